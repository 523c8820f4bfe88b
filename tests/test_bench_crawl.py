"""bench/crawl.py runs end to end at tiny sizes (a loopback blog, a real `blogqa serve --sync-every`
subprocess) and prints the JSON its table is made of, with positive numbers."""
import json
import subprocess
import sys

from conftest import REPO


def test_bench_crawl_json_at_tiny_sizes(tmp_path):
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / "crawl.py"), "--json", "--posts", "3", "--sample", "3",
         "--latency-posts", "1", "--post-bytes", "200-400", "--runs", "1", "--sync-every", "1s"],
        capture_output=True, text=True, timeout=400, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    crawl, latency = result["crawl"], result["latency"]
    assert crawl["posts"] == 3 and crawl["warnings"] == 0
    assert crawl["requests"] >= 3 + 2  # every post page, plus discovery (robots, sitemap, feed, home)
    assert crawl["chunks"] >= 3 and crawl["embedded"] == 3
    for key in ("crawl_s", "crawl_pages_per_s", "embed_s", "embed_chunks_per_s", "embed_pages_per_s", "crawl_over_embed"):
        assert crawl[key] > 0, key
    assert abs(crawl["crawl_pages_per_s"] / crawl["embed_pages_per_s"] - crawl["crawl_over_embed"]) < 1e-9
    assert latency["posts"] == 1 and latency["sync_every_s"] == 1.0 and latency["runs"] == 1
    assert len(latency["seconds"]) == 1 and latency["seconds"][0] > 0
    assert latency["median_s"] == latency["seconds"][0]
    assert len(latency["sync_s"]) == 1 and latency["sync_s"][0] >= 0  # the sync that added the post
