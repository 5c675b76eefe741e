const require=(id)=>process.getBuiltinModule(id);
import{a,b}from"./chunk-JZ6GM4CD.js";import"./chunk-KET64VXT.js";import"./chunk-DKAGMG5Q.js";export{b as Forbidden,a as Unreachable};
