const require=(id)=>process.getBuiltinModule(id);
import{c as r}from"./chunk-UTUHP74B.js";var s=class extends r{constructor(o,n){super(o,"endpoints");this.failures=n}failures};export{s as a};
