import sys, time, random
n = int(3e9); b = bytearray(n)
for i in range(0, n, 4096): b[i] = 1
print("resident", flush=True)
mode = sys.argv[1]
t_end = time.time() + float(sys.argv[2])
while time.time() < t_end:
    if mode == "touch":
        for _ in range(100000): b[random.randrange(0, n)] += 1
    else:
        time.sleep(0.5)
