import { generateCustomFunctionsMetadata } from 'custom-functions-metadata';
(async () => {
  const r = await generateCustomFunctionsMetadata('/work/main/src/functions/functions.ts');
  console.log('errors', r.errors);
  const m = JSON.parse(r.metadataJson);
  for (const f of m.functions) if (['OWEN','LEAVEONEOUT','COREGAP','RIGHTSMAP'].includes(f.id)) console.log(f.id, f.parameters.map((p: any) => `${p.name}${p.optional ? '?' : ''}:${p.dimensionality ?? 'scalar'}`).join(' '), f.result.dimensionality);
  console.log(m.functions.map((f: any) => f.id).join(','));
})();
