const require=(id)=>process.getBuiltinModule(id);
import{h as r}from"./chunk-KET64VXT.js";var e=class extends r{constructor(t,n){super(t,"endpoints");this.failures=n}failures},s=class extends r{constructor(t,n){super(t,"talosconfig");this.target=n}target};export{e as a,s as b};
