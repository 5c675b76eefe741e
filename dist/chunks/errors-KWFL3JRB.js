const require=(id)=>process.getBuiltinModule(id);
import{a,b}from"./chunk-6ZZQG2ZN.js";import"./chunk-GFFVYCZW.js";import"./chunk-TMZP4EVI.js";import"./chunk-DKAGMG5Q.js";export{b as Forbidden,a as Unreachable};
