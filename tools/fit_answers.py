"""Fits Deskmate's answer reranker and confidence (agent/compose.go) from
`deskmate eval answers --details F` files, checks them on the questions of
articles left out of the fit, and prints the weights to paste.

Usage (numpy and scikit-learn needed):
  for s in 1 2 3 4 5; do deskmate eval answers --articles A --queries Q --holdout 0.3 --seed $s --details d$s.jsonl; done
  python3 tools/fit_answers.py Q d1.jsonl d2.jsonl d3.jsonl d4.jsonl d5.jsonl
Set C (default 1) for the inverse regularisation strength."""
import json, sys, random, numpy as np
from sklearn.linear_model import LogisticRegression
FEATS=["vector","text","fused","rank","title_cov","title_recall","body_cov","title_extra","idf_title_cov","idf_body_cov","idf_missing","max_missing"]
C=float(__import__('os').environ.get('C','1'))
queries_path=sys.argv[1]
files=sys.argv[2:]
rows=[(fi,json.loads(l)) for fi,f in enumerate(files) for l in open(f)]
def gold(r):  # the article of the query: a right candidate, else the query text as group key
    return r['query']
def cands(r):
    return [([c['features'].get(k,0) for k in FEATS], c['right'], c['article']) for c in (r['candidates'] or [])]
def fit_rr(rs):
    X=[];y=[]
    for _,r in rs:
        for f,rt,_ in cands(r): X.append(f); y.append(rt)
    return LogisticRegression(C=C,max_iter=10000).fit(np.array(X),np.array(y))
def conf_x(r,m):
    cs=cands(r)
    if not cs: return None,False
    P=m.predict_proba(np.array([f for f,_,_ in cs]))[:,1]
    o=np.argsort(-P,kind='stable'); t=o[0]; lead=P[t]-(P[o[1]] if len(o)>1 else 0)
    return [P[t],lead]+cs[t][0], cs[t][1]
def fit_conf(rs,m):
    X=[];y=[]
    for _,r in rs:
        x,right=conf_x(r,m)
        if x: X.append(x); y.append(1 if (r['answerable'] and right) else 0)
    return LogisticRegression(C=C,max_iter=10000).fit(np.array(X),np.array(y))
def score(rs,m,cm,th):
    rep=0;ok=0;ans=0;cov=0;gaps=0;gapho=0
    for _,r in rs:
        x,right=conf_x(r,m)
        p=cm.predict_proba(np.array([x]))[0,1] if x else 0
        ans+=r['answerable']; gaps+=not r['answerable']
        if p>=th:
            rep+=1; ok+= r['answerable'] and right; cov+=r['answerable']
        elif not r['answerable']: gapho+=1
    return cov/max(ans,1), ok/max(rep,1), gapho/max(gaps,1)
# Group cross-validation: the queries of half the articles fit, the others test.
qs=sorted(set(r['query'] for _,r in rows))
arts={}
for l in open(queries_path):
    q=json.loads(l); arts[q['query']]=q['article_ids'][0]
allart=sorted(set(arts.values()))
ths=[0.5,0.55,0.6,0.65,0.7,0.75,0.8]
res={t:[] for t in ths}
for split in range(10):
    grp=set(random.Random(split).sample(allart,len(allart)//2))
    tr=[x for x in rows if arts[x[1]['query']] in grp]; te=[x for x in rows if arts[x[1]['query']] not in grp]
    m=fit_rr(tr); cm=fit_conf(tr,m)
    for fi in range(len(files)):
        sub=[x for x in te if x[0]==fi]
        for t in ths: res[t].append(score(sub,m,cm,t))
print("held-out articles' questions (10 splits x %d seeds):"%len(files))
for t in ths:
    o=np.array(res[t]); print("  threshold %.2f: coverage %.3f precision %.3f gap hand-over %.3f | worst precision %.3f, worst coverage %.3f"%(t,*o.mean(0),o[:,1].min(),o[:,0].min()))
m=fit_rr(rows); cm=fit_conf(rows,m)
fmt=lambda v: ", ".join("%.3g"%x for x in v)
print("rerankBias    = %.3g"%m.intercept_[0])
print("rerankWeights = [len(candidateFeatures)]float64{%s}"%fmt(m.coef_[0]))
print("confidenceBias    = %.3g"%cm.intercept_[0])
print("confidenceWeights = [2 + len(candidateFeatures)]float64{%s}"%fmt(cm.coef_[0]))
