const require=(id)=>process.getBuiltinModule(id);
import{a,b}from"./chunk-62FVF6MF.js";import"./chunk-UFMLTBNF.js";import"./chunk-TMZP4EVI.js";import"./chunk-DKAGMG5Q.js";export{b as Forbidden,a as Unreachable};
