import time,sys
dur=float(sys.argv[1]); t_end=time.perf_counter()+dur; over=[]
while time.perf_counter()<t_end:
    t=time.perf_counter(); time.sleep(0.001); over.append((time.perf_counter()-t)*1000-1)
over.sort(); n=len(over)
print("n",n,"p50 %.2f p99 %.2f p999 %.2f max %.2f  >10ms: %d >30ms: %d"%(over[n//2],over[int(n*.99)],over[int(n*.999)],over[-1],sum(1 for x in over if x>10),sum(1 for x in over if x>30)))
