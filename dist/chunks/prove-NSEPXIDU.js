const require=(id)=>process.getBuiltinModule(id);
import{a,b,c}from"./chunk-MC3B6J26.js";import"./chunk-RNMX5DRI.js";import"./chunk-TWINHWLE.js";import"./chunk-DKAGMG5Q.js";export{a as PROOF_BOUNDS,b as attempt,c as prove};
