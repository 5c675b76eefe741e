const require=(id)=>process.getBuiltinModule(id);
import{c as r}from"./chunk-GFFVYCZW.js";var e=class extends r{constructor(t,n){super(t,"endpoints");this.failures=n}failures},s=class extends r{constructor(t,n){super(t,"talosconfig");this.target=n}target};export{e as a,s as b};
