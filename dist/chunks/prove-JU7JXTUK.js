const require=(id)=>process.getBuiltinModule(id);
import{a,b,c}from"./chunk-T5CIOLE3.js";import"./chunk-M3OJ23AI.js";import"./chunk-UTUHP74B.js";import"./chunk-DKAGMG5Q.js";export{a as PROOF_BOUNDS,b as attempt,c as prove};
