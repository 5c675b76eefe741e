const require=(id)=>process.getBuiltinModule(id);
import{a as r}from"./chunk-TWINHWLE.js";var s=class extends r{},o=class extends Error{};export{s as a,o as b};
