const require=(id)=>process.getBuiltinModule(id);
import{c as r}from"./chunk-UTUHP74B.js";var s=class extends r{},o=class extends Error{};export{s as a,o as b};
