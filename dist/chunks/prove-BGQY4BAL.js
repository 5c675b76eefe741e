const require=(id)=>process.getBuiltinModule(id);
import{a,b,c}from"./chunk-NBBIWDQQ.js";import"./chunk-HJJWW547.js";import"./chunk-SKH42BEJ.js";import"./chunk-UFMLTBNF.js";import"./chunk-TMZP4EVI.js";import"./chunk-DKAGMG5Q.js";export{a as PROOF_BOUNDS,b as attempt,c as prove};
