const require=(id)=>process.getBuiltinModule(id);
import{h as r}from"./chunk-KET64VXT.js";var t=class extends r{},o=class extends Error{constructor(s){super(s.raw);this.text=s}text};export{t as a,o as b};
