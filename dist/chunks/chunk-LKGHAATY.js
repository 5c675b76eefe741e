const require=(id)=>process.getBuiltinModule(id);
import{c as r}from"./chunk-GFFVYCZW.js";var t=class extends r{},o=class extends Error{constructor(s){super(s.raw);this.text=s}text};export{t as a,o as b};
