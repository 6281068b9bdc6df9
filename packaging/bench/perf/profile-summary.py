#!/usr/bin/env python3
# Sums an ONNX Runtime profile (session-probe.cs profile=PREFIX) by operator type and by node, for
# the first run (the prompt) and per later run (decode steps). usage: profile-summary.py FILE [TOP_NODES]
import json,sys,collections
ev=json.load(open(sys.argv[1]))
# separate runs: model_run events
runs=[e for e in ev if e.get('cat')=='Session' and e['name']=='model_run']
print('runs',len(runs), [round(r['dur']/1000,1) for r in runs][:40])
nodes=[e for e in ev if e.get('cat')=='Node' and e['name'].endswith('_kernel_time')]
# assign node to run by timestamp
def runidx(e):
    for i,r in enumerate(runs):
        if r['ts']<=e['ts']<=r['ts']+r['dur']: return i
    return -1
byop=collections.defaultdict(lambda: collections.defaultdict(float))
bynode=collections.defaultdict(lambda: collections.defaultdict(float))
for e in nodes:
    i=runidx(e); phase='prefill' if i==0 else 'decode'
    byop[phase][e['args'].get('op_name','?')]+=e['dur']
    bynode[phase][e['name'][:-12]]+=e['dur']
for phase in ('prefill','decode'):
    nrun = 1 if phase=='prefill' else len(runs)-1
    runtot=sum(r['dur'] for j,r in enumerate(runs) if (j==0)==(phase=='prefill'))
    tot=sum(byop[phase].values())
    print(f'== {phase}: per run {runtot/nrun/1000:.1f} ms, nodes sum {tot/nrun/1000:.1f} ms')
    for op,v in sorted(byop[phase].items(), key=lambda x:-x[1]):
        print(f'  {op:35s} {v/nrun/1000:8.2f} ms {100*v/runtot:5.1f}%')
    for n,v in sorted(bynode[phase].items(), key=lambda x:-x[1])[:int(sys.argv[2]) if len(sys.argv)>2 else 8]:
        print(f'    {n:60s} {v/nrun/1000:8.2f} ms')
