// Placeholder until the model build lands.
if (process.argv.includes('--if-missing')) process.exit(0);
console.error('build:models is not implemented yet'); process.exit(1);
