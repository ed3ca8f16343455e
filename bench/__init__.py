"""Planning Atlas benchmarks: one command (``python -m bench``) that times the product.

Items (each reported as "not available" while the module it needs has not landed):

1. ``atlas build`` of the five seed plans vs a bare geo-stack import (wall time, peak RSS);
2. build scaling over 1/10/100 generated plan variants (slope, R², plans/s);
3. warm gazetteer look-ups per second;
4. the map page: AppTest cold render, warm rerun, HTML payload per plan, first map paint in
   headless Chromium;
5. ``atlas snapshot`` and ``atlas deck`` times.

Timings are medians with min–max over repeats, with the machine's load average recorded.
"""
