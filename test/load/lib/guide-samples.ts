/**
 * Real outputs of Debian's ab 2.3 and wrk 4.1, captured on this machine (2 cores, other work running) against a small
 * node:http server, for the parser tests (test/unit/guide-bench-parsers.test.ts). Verbatim (trailing spaces
 * included): the parsers must read what the tools print, not what we think they print.
 */

/** ab -n 2000 -c 100 -H 'Authorization: Bearer x' <url>/v1/health */
export const abOk = `This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 200 requests
Completed 400 requests
Completed 600 requests
Completed 800 requests
Completed 1000 requests
Completed 1200 requests
Completed 1400 requests
Completed 1600 requests
Completed 1800 requests
Completed 2000 requests
Finished 2000 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18777

Document Path:          /v1/health
Document Length:        15 bytes

Concurrency Level:      100
Time taken for tests:   1.890 seconds
Complete requests:      2000
Failed requests:        0
Total transferred:      244000 bytes
HTML transferred:       30000 bytes
Requests per second:    1058.10 [#/sec] (mean)
Time per request:       94.509 [ms] (mean)
Time per request:       0.945 [ms] (mean, across all concurrent requests)
Transfer rate:          126.06 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    2   6.0      0      37
Processing:    32   88  48.2     77     238
Waiting:       23   88  48.0     76     238
Total:         33   90  50.0     79     261

Percentage of the requests served within a certain time (ms)
  50%     79
  66%     90
  75%     98
  80%    113
  90%    180
  95%    213
  98%    232
  99%    241
 100%    261 (longest request)
`;

/** ab -n 2000 -c 100 <url>/bad (every tenth answer a 500) */
export const abNon2xx = `This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)
Completed 200 requests
Completed 400 requests
Completed 600 requests
Completed 800 requests
Completed 1000 requests
Completed 1200 requests
Completed 1400 requests
Completed 1600 requests
Completed 1800 requests
Completed 2000 requests
Finished 2000 requests


Server Software:        
Server Hostname:        127.0.0.1
Server Port:            18777

Document Path:          /bad
Document Length:        15 bytes

Concurrency Level:      100
Time taken for tests:   1.161 seconds
Complete requests:      2000
Failed requests:        200
   (Connect: 0, Receive: 0, Length: 200, Exceptions: 0)
Non-2xx responses:      200
Total transferred:      238800 bytes
HTML transferred:       27400 bytes
Requests per second:    1722.51 [#/sec] (mean)
Time per request:       58.055 [ms] (mean)
Time per request:       0.581 [ms] (mean, across all concurrent requests)
Transfer rate:          200.85 [Kbytes/sec] received

Connection Times (ms)
              min  mean[+/-sd] median   max
Connect:        0    3   7.3      1      35
Processing:    13   50  18.3     48     113
Waiting:        6   47  19.5     46     113
Total:         21   53  17.8     51     114

Percentage of the requests served within a certain time (ms)
  50%     51
  66%     57
  75%     64
  80%     67
  90%     77
  95%     87
  98%     99
  99%    113
 100%    114 (longest request)
`;

/** ab -n 100 -c 10 <url>/v1/health (nothing listening) */
export const abRefused = `This is ApacheBench, Version 2.3 <$Revision$>
Copyright 1996 Adam Twiss, Zeus Technology Ltd, http://www.zeustech.net/
Licensed to The Apache Software Foundation, http://www.apache.org/

Benchmarking 127.0.0.1 (be patient)...apr_socket_recv: Connection refused (111)
`;

/** wrk -t12 -c100 -d3s --latency -s <guide script> <url>/v1/conversations */
export const wrkOk = `Running 3s test @ http://127.0.0.1:18777/v1/conversations
  12 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.96ms   70.10ms 632.21ms   94.43%
    Req/Sec     1.16k   403.27     5.73k    86.63%
  Latency Distribution
     50%    6.16ms
     75%    7.15ms
     90%   15.47ms
     99%  420.19ms
  39800 requests in 3.10s, 7.14MB read
Requests/sec:  12857.44
Transfer/sec:      2.31MB
GUIDE_LATENCY_US p50=6160 p95=121716 p99=420191 max=632210
`;

/** the same at /bad (every tenth answer a 500) */
export const wrkNon2xx = `Running 3s test @ http://127.0.0.1:18777/bad
  12 threads and 100 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    22.69ms   66.57ms 615.74ms   93.15%
    Req/Sec     1.40k   499.60     3.47k    83.78%
  Latency Distribution
     50%    5.33ms
     75%    7.22ms
     90%   30.87ms
     99%  406.86ms
  47112 requests in 3.10s, 8.33MB read
  Non-2xx or 3xx responses: 4710
Requests/sec:  15177.99
Transfer/sec:      2.68MB
GUIDE_LATENCY_US p50=5331 p95=137338 p99=406865 max=615736
`;

/** wrk -t2 -c20 -d3s --timeout 1s … (every twentieth answer after 1.5 s) */
export const wrkTimeouts = `Running 3s test @ http://127.0.0.1:18778/v1/conversations
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.59ms   27.73ms 188.74ms   95.60%
    Req/Sec   294.30    282.53     1.13k    82.61%
  Latency Distribution
     50%    3.48ms
     75%    7.23ms
     90%   13.27ms
     99%  172.76ms
  780 requests in 3.03s, 108.93KB read
  Socket errors: connect 0, read 0, write 0, timeout 20
Requests/sec:    257.41
Transfer/sec:     35.95KB
GUIDE_LATENCY_US p50=3476 p95=30661 p99=172762 max=188745
`;

/** nothing listening */
export const wrkRefused = `unable to connect to 127.0.0.1:18777 Connection refused
`;
