const require=(id)=>process.getBuiltinModule(id);
import{a}from"./chunk-BEIP47J3.js";import"./chunk-TWINHWLE.js";import"./chunk-DKAGMG5Q.js";export{a as Unreachable};
