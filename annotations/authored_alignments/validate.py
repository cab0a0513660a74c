import json, sys
from collections import Counter, defaultdict
A='/work/main/annotations/authored/'; O=sys.argv[1] if len(sys.argv)>1 else '/work/main/annotations/authored_alignments/'
docs={}
for f in ['vn_reports.jsonl','cn_reports.jsonl']:
    for l in open(A+f):
        d=json.loads(l); docs[d['id']]=d
claims={i:{(c['start'],c['end']) for c in d['claims']} for i,d in docs.items()}
errs=[]
pairs=[json.loads(l) for l in open(O+'alignment_pairs.jsonl') if l.strip()]
al=[json.loads(l) for l in open(O+'alignments.jsonl') if l.strip()]
pairkey={(p['a'],p['b']):p['meeting'] for p in pairs}
if len(pairkey)!=len(pairs): errs.append('duplicate document pair')
if len({p['meeting'] for p in pairs})!=len(pairs): errs.append('duplicate meeting slug')
for p in pairs:
    if docs.get(p['a'],{}).get('side')!='vn' or docs.get(p['b'],{}).get('side')!='cn': errs.append(f'bad sides {p}')
    if not isinstance(p['same_event'],bool): errs.append(f'same_event not bool {p}')
raw=Counter(json.dumps(r,sort_keys=True) for r in al)
errs+= [f'duplicate line {k}' for k,v in raw.items() if v>1]
keys=Counter((r['a']['doc_id'],r['a']['start'],r['a']['end'],r['b']['doc_id'],r['b']['start'],r['b']['end']) for r in al)
errs+= [f'duplicate claim pair {k}' for k,v in keys.items() if v>1]
partners=defaultdict(set)
for r in al:
    a,b=r['a'],r['b']
    if set(r)!={'meeting','a','b','note'} or set(a)!={'doc_id','start','end'} or set(b)!={'doc_id','start','end'}: errs.append(f'bad keys {r}')
    for s in (a,b):
        if (s['start'],s['end']) not in claims.get(s['doc_id'],set()): errs.append(f'not a gold claim {s}')
    if pairkey.get((a['doc_id'],b['doc_id']))!=r['meeting']: errs.append(f'doc pair/slug not in pairs file {r}')
    partners[('a',a['doc_id'],a['start'],a['end'],b['doc_id'])].add((b['start'],b['end']))
    partners[('b',b['doc_id'],b['start'],b['end'],a['doc_id'])].add((a['start'],a['end']))
over={k:v for k,v in partners.items() if len(v)>2}
errs+= [f'>2 partners {k}: {v}' for k,v in over.items()]
per=Counter(r['meeting'] for r in al)
print('document pairs:',len(pairs),'(same_event true:',sum(p['same_event'] for p in pairs),')')
print('aligned claim pairs:',len(al))
for p in pairs: print(f"  {p['meeting']:30s} {p['a']} {p['b']} same_event={p['same_event']} aligned={per.get(p['meeting'],0)}")
print('max partners per claim within a document pair:',max(len(v) for v in partners.values()))
print('claims with 2 partners:',sum(len(v)==2 for v in partners.values()))
print('errors:',len(errs)); [print('  ',e) for e in errs]
if '-v' in sys.argv:
    for r in al:
        ta=docs[r['a']['doc_id']]['text'][r['a']['start']:r['a']['end']]; tb=docs[r['b']['doc_id']]['text'][r['b']['start']:r['b']['end']]
        print(f"\n[{r['meeting']}] {r['note']}\n  A: {ta}\n  B: {tb}")
sys.exit(1 if errs else 0)
