"""What an image upload costs: seconds and peak memory of the worker, for the costly cases.

    .venv/bin/python bench/upload_bench.py [--before DIR] [--runs 3] [--case NAME ...]

Not a test: run it by hand. It builds the files with Pillow in a temporary folder (a
6300 x 6300 photo-like JPEG, upright and with an EXIF "turn 90°", a 6300 x 6300 PNG, a
3,900-frame GIF and a 300-frame one), then, for each case, runs ``--runs`` fresh
interpreters that each do what an upload through the editor does: ``UploadForm`` is
validated, then ``Image(...).save()`` stores the files (in memory: the test profile's
storage; the database insert is skipped, it is not what is measured). Each run reports
its wall time for the upload and the rise of its peak resident memory (``VmHWM``)
over what it held just before (Django, the site and the file's bytes loaded).

``--before DIR`` runs the same in another copy of the code (a checkout of the commit
before: ``git worktree add /tmp/before <commit>``, or a plain copy of the tree) and prints
the ratios. Medians of the runs; the machine is shared and noisy: compare ratios.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# One upload, in a fresh interpreter started in the code's folder: argv = file, name.
WORKER = """
import json, os, sys, time
sys.path.insert(0, os.getcwd())
os.environ["DJANGO_SETTINGS_MODULE"] = "site_cms.settings.test"
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from images.forms import UploadForm
from images.models import Image

def peak_kb():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would start
    # with the peak of the bench that built the files.
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1])


Model.save_base = lambda self, *args, **kwargs: None  # no database: the image work only
data = open(sys.argv[1], "rb").read()
base = peak_kb()
start = time.perf_counter()
form = UploadForm(files={"image": SimpleUploadedFile(sys.argv[2], data)})
if form.is_valid():
    image = Image(file=form.cleaned_data["image"], alt="x")
    try:
        image.save()
        outcome = f"stored, {len(image.renditions)} renditions"
    except ValidationError as error:
        outcome = "refused on save: " + " ".join(error.messages)
else:
    outcome = "refused: " + " ".join(m for ms in form.errors.values() for m in ms)
seconds = time.perf_counter() - start
peak = peak_kb()
print(json.dumps({"seconds": seconds, "mb": (peak - base) / 1024, "outcome": outcome}))
"""


def photo(size, rotated=False):
    """A photo-like JPEG: gradients, shapes and a little noise, which JPEG cannot squeeze."""
    from PIL import ExifTags, Image, ImageDraw, ImageFilter

    width, height = size
    small = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize((400, 400)),
            Image.radial_gradient("L").resize((400, 400)),
            Image.linear_gradient("L").rotate(90).resize((400, 400)),
        ],
    )
    draw = ImageDraw.Draw(small)
    for i in range(40):
        draw.ellipse((i * 9, i * 7, i * 9 + 60, i * 7 + 45), fill=(i * 6, 200 - i * 4, 90))
    image = small.resize(size, Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    noise = Image.effect_noise(size, 12).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    exif = Image.Exif()
    if rotated:
        exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "BenchCam"
    out = BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def flat_png(size):
    from PIL import Image

    out = BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, "PNG")
    return out.getvalue()


def animation(frames, size=(100, 100)):
    from PIL import Image

    images = []
    for i in range(frames):
        frame = Image.new("RGB", size, "white")
        frame.paste((i * 7 % 256, 40, 120), (i % 90, i % 80, i % 90 + 10, i % 80 + 20))
        images.append(frame)
    out = BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=40, loop=0)
    return out.getvalue()


CASES = {
    "jpeg-6300": ("photo.jpg", lambda: photo((6300, 6300))),
    "jpeg-6300-turned": ("turned.jpg", lambda: photo((6300, 6300), rotated=True)),
    "png-6300": ("flat.png", lambda: flat_png((6300, 6300))),
    "gif-3900-frames": ("many.gif", lambda: animation(3900)),
    "gif-300-frames": ("some.gif", lambda: animation(300)),
}


def run(code, path, name):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(path), name],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode:
        raise SystemExit(f"{code} {name}: {result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(code, path, name, runs):
    results = [run(code, path, name) for _ in range(runs)]
    return (
        statistics.median(r["seconds"] for r in results),
        statistics.median(r["mb"] for r in results),
        results[0]["outcome"],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="another copy of the code to compare")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", action="append", choices=sorted(CASES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        rows = []
        for case in args.case or CASES:
            name, build = CASES[case]
            path = Path(folder) / name
            path.write_bytes(build())
            size = path.stat().st_size / 1024 / 1024
            now = measure(ROOT, path, name, args.runs)
            before = measure(args.before, path, name, args.runs) if args.before else None
            rows.append((case, size, now, before))
            print(f"{case} ({size:.1f} MB): {now}" + (f", before {before}" if before else ""))
    print()
    print(
        "| case | MB | s | peak +MB | outcome |"
        + (" s before | +MB before | × faster | × less memory |" if args.before else "")
    )
    for case, size, (seconds, mb, outcome), before in rows:
        line = f"| {case} | {size:.1f} | {seconds:.2f} | {mb:.0f} | {outcome} |"
        if before:
            b_seconds, b_mb, _ = before
            faster, leaner = b_seconds / seconds, b_mb / max(mb, 1)
            line += f" {b_seconds:.2f} | {b_mb:.0f} | {faster:.1f} | {leaner:.1f} |"
        print(line)


if __name__ == "__main__":
    main()
