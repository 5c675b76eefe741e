const require=(id)=>process.getBuiltinModule(id);
import{a,b,c}from"./chunk-ILSIGZOR.js";import"./chunk-54HL7OJL.js";import"./chunk-SKH42BEJ.js";import"./chunk-KET64VXT.js";import"./chunk-DKAGMG5Q.js";export{a as PROOF_BOUNDS,b as attempt,c as prove};
