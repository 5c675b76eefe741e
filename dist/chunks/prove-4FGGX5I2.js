const require=(id)=>process.getBuiltinModule(id);
import{a,b,c}from"./chunk-WWTPF25K.js";import"./chunk-LKGHAATY.js";import"./chunk-SKH42BEJ.js";import"./chunk-GFFVYCZW.js";import"./chunk-TMZP4EVI.js";import"./chunk-DKAGMG5Q.js";export{a as PROOF_BOUNDS,b as attempt,c as prove};
