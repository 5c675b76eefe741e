const require=(id)=>process.getBuiltinModule(id);
import{a as r}from"./chunk-TWINHWLE.js";var s=class extends r{constructor(o,n){super(o,"endpoints");this.failures=n}failures};export{s as a};
