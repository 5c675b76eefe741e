const require=(id)=>process.getBuiltinModule(id);
var r=class extends Error{constructor(e,o,s){super(e,s);this.input=o}input;name="UserError"};function i(n){return n instanceof Error?n.message:String(n)}export{r as a,i as b};
