const require=(id)=>process.getBuiltinModule(id);
import{a}from"./chunk-G7DPUTN4.js";import"./chunk-UTUHP74B.js";import"./chunk-DKAGMG5Q.js";export{a as Unreachable};
