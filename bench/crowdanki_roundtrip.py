#!/usr/bin/env python3
"""CrowdAnki round trip: convert each deck folder into a bank, build the bank
with `--format crowdanki`, and compare the `deck.json` built with the input
as JSON values (key order aside) and the media files byte for byte.

    python3 bench/crowdanki_roundtrip.py DIR [DIR ...]
    python3 bench/crowdanki_roundtrip.py --each PARENT   (every deck folder in PARENT)

Prints a table (deck, notes, converted, deck.json equal, media equal) and,
under it, the first differences of each deck that is not equal. Exits 1 when
a deck does not convert, build or come back equal. Uses target/release/flashdeck
(built with `cargo build --release`), or $FLASHDECK.

Normalisation, of one key only: `media_files`, which CrowdAnki derives on
export (the files the deck's notes name, and the `_` files its note models'
templates and CSS name), and flashdeck derives again on build. The input's
lists are replaced by that derivation from the input's own notes (Anki's
patterns: `[sound:…]`, and the `src`/`data` of `img`, `audio`, `video`,
`object`, `source`; remote URLs left out) before comparing, so a deck whose
list disagrees with its notes (edited after export) is not counted against
the round trip; the last column says how many names of the input's lists
disagreed with its notes. Nothing else is normalised: every other value,
and the order of every list, must be equal. The media folder built must
hold exactly the input folder's files, byte for byte (a partial media
folder is no error: the notes naming a missing file keep naming it, and the
bank lists the file under `missing-media:`).
"""
import html
import json
import os
import re
import subprocess
import sys
import tempfile

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
FLASHDECK = os.environ.get('FLASHDECK', os.path.join(REPO, 'target', 'release', 'flashdeck'))


def deck_json(folder):
    path = os.path.join(folder, 'deck.json')
    if os.path.isfile(path):
        return path
    found = sorted(f for f in os.listdir(folder) if f.lower().endswith('.json'))
    return os.path.join(folder, found[0]) if len(found) == 1 else None


def count_notes(deck):
    return len(deck.get('notes', [])) + sum(count_notes(c) for c in deck.get('children', []))


def differences(a, b, path='$', out=None, limit=8):
    """Where two JSON values differ (at most `limit` places)."""
    if out is None:
        out = []
    if len(out) >= limit:
        return out
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a:
                out.append(f'{path}.{key}: only in the build')
            elif key not in b:
                out.append(f'{path}.{key}: missing from the build')
            elif key == 'media_files' and isinstance(a[key], list) and isinstance(b[key], list) \
                    and a[key] != b[key]:
                extra = sorted(set(b[key]) - set(a[key]))[:3]
                lost = sorted(set(a[key]) - set(b[key]))[:3]
                out.append(f'{path}.media_files: {len(a[key])} in the input, {len(b[key])} built; '
                           f'lost {lost}, added {extra}')
            else:
                differences(a[key], b[key], f'{path}.{key}', out, limit)
            if len(out) >= limit:
                break
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f'{path}: {len(a)} items in the input, {len(b)} in the build')
        for i, (x, y) in enumerate(zip(a, b)):
            differences(x, y, f'{path}[{i}]', out, limit)
            if len(out) >= limit:
                break
    elif a != b or type(a) is not type(b) and not (
            isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b):
        out.append(f'{path}: {json.dumps(a, ensure_ascii=False)[:120]} != {json.dumps(b, ensure_ascii=False)[:120]}')
    return out


SOUND = re.compile(r'\[sound:(.+?)\]')
HTML_MEDIA = re.compile(
    r"""<\b(?:img|audio|video|object|source)\b[^>]+\b(?:src|data)\s*=\s*(?:"([^"]+)"|'([^']+)'|([^ >]+))""",
    re.IGNORECASE | re.DOTALL)


def named_media(text):
    names = set(SOUND.findall(text))
    for match in HTML_MEDIA.finditer(text):
        names.add(html.unescape(next(g for g in match.groups() if g)))
    return {n for n in names if '://' not in n and not n.startswith('data:')}


def derive_media_files(deck, model_files):
    """Replaces, in place, each deck's `media_files` with what its notes
    name; returns how many names of the input's lists differed."""
    named = set(model_files)
    for note in deck.get('notes', []):
        for field in note.get('fields', []):
            if isinstance(field, str):
                named |= named_media(field)
    listed = set(deck.get('media_files', []))
    differed = len(listed ^ named)
    if 'media_files' in deck:
        deck['media_files'] = sorted(named)
    return differed + sum(derive_media_files(c, model_files) for c in deck.get('children', []))


def model_files(deck, folder):
    """The `_` files of the media folder that a template or the CSS names."""
    texts = []
    for model in deck.get('note_models', []):
        texts.append(model.get('css', ''))
        for t in model.get('tmpls', []):
            texts += [t.get('qfmt', ''), t.get('afmt', '')]
    return {name for name in media(folder) if name.startswith('_')
            and any(name in text for text in texts)}


def media(folder):
    folder = os.path.join(folder, 'media')
    if not os.path.isdir(folder):
        return {}
    out = {}
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, 'rb') as f:
                out[name] = f.read()
    return out


def round_trip(folder, work):
    """(row, notes about differences)."""
    name = os.path.basename(os.path.normpath(folder))
    source = deck_json(folder)
    if source is None:
        return [name, '-', 'no deck.json', '-', '-', '-'], []
    with open(source, encoding='utf-8') as f:
        original = json.load(f)
    notes = count_notes(original)
    bank_dir = os.path.join(work, 'bank')
    out_dir = os.path.join(work, 'out')
    run = subprocess.run([FLASHDECK, '-q', 'convert', folder, '--out', bank_dir],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return [name, notes, f'no (exit {run.returncode})', '-', '-', '-'], [run.stderr.strip()[-2000:]]
    banks = [f for f in os.listdir(bank_dir) if f.endswith('.yaml')]
    if len(banks) != 1:
        return [name, notes, 'no bank', '-', '-', '-'], []
    bank = os.path.join(bank_dir, banks[0])
    run = subprocess.run([FLASHDECK, '-q', 'build', bank, '--out', out_dir, '--format', 'crowdanki'],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return [name, notes, 'yes', f'build failed (exit {run.returncode})', '-', '-'], [run.stderr.strip()[-2000:]]
    deck_id = banks[0][:-len('.yaml')]
    built_folder = os.path.join(out_dir, deck_id)
    with open(os.path.join(built_folder, 'deck.json'), encoding='utf-8') as f:
        built = json.load(f)
    differed = derive_media_files(original, model_files(original, folder))
    diff = differences(original, built)
    media_in, media_out = media(folder), media(built_folder)
    media_diff = []
    for file in sorted(set(media_in) | set(media_out)):
        if file not in media_out:
            media_diff.append(f'media/{file}: missing from the build')
        elif file not in media_in:
            media_diff.append(f'media/{file}: only in the build')
        elif media_in[file] != media_out[file]:
            media_diff.append(f'media/{file}: different bytes')
    same_json = 'no' if diff else 'yes'
    same_media = f'yes ({len(media_in)} files)' if not media_diff else 'no'
    listed = 'as its notes say' if not differed else f'{differed} name{"" if differed == 1 else "s"} differ from its notes'
    return [name, notes, 'yes', same_json, same_media, listed], diff + media_diff[:8]


def main(argv):
    folders = []
    args = iter(argv)
    for arg in args:
        if arg == '--each':
            parent = next(args, None)
            if parent is None:
                sys.exit('--each needs a folder')
            folders += sorted(os.path.join(parent, d) for d in os.listdir(parent)
                              if os.path.isdir(os.path.join(parent, d)))
        else:
            folders.append(arg)
    if not folders:
        sys.exit(__doc__)
    if not os.path.isfile(FLASHDECK):
        sys.exit(f'{FLASHDECK} not found: run `cargo build --release` first (or set FLASHDECK)')
    rows, notes, ok = [], [], True
    for folder in folders:
        with tempfile.TemporaryDirectory(prefix='crowdanki-roundtrip-') as work:
            row, diff = round_trip(folder, work)
        rows.append(row)
        if diff:
            notes.append((row[0], diff))
        ok = ok and row[2] == 'yes' and row[3] == 'yes' and str(row[4]).startswith('yes')
    header = ['deck', 'notes', 'converted', 'deck.json equal', 'media equal', "input's media_files"]
    print('| ' + ' | '.join(header) + ' |')
    print('|' + '|'.join('---' for _ in header) + '|')
    for row in rows:
        print('| ' + ' | '.join(str(c) for c in row) + ' |')
    for name, diff in notes:
        print(f'\n{name}:')
        for line in diff:
            print(f'  {line}')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
