"""Checks the crate's layering (run by tests/integration/layers.rs).

The import graph of src/: file A imports file B when A names an item that B
defines, through a `use` or a path in code, re-exports followed to the file
that defines the item (a module's `pub use` list is its table of contents,
not a dependency). Fails, listing them, on:
- a cycle: files that import each other, directly or around a circle;
- an import from a lower layer into a higher one (LAYERS, bottom first).
`python3 scripts/layers.py -v` prints the whole graph."""
import os, re, sys
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
if '--src' in sys.argv:
    root = sys.argv[sys.argv.index('--src') + 1]
root = os.path.normpath(root)

# Bottom first; a module may import only from its own layer's files or lower.
LAYERS = [
    ['source', 'input', 'progress', 'parallel'],
    ['model'],
    ['diagnostics'],
    ['markup'],
    ['anki'],
    ['load'],
    ['validate'],
    ['transform'],
    ['lock'],
    ['writers', 'read'],
    ['output'],
    ['pipeline', 'built_notes', 'restore', 'pull', 'convert'],
    ['cli'],
    ['lib', 'main', 'testing'],
]
RANK = {m: i for i, layer in enumerate(LAYERS) for m in layer}
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            p = os.path.join(d, f)
            t = open(p).read()
            t = re.split(r'#\[cfg\(test\)\]\s*(?:pub(?:\([a-z]+\))?\s+)?mod tests', t)[0]
            t = re.sub(r'//[^\n]*', '', t)
            t = re.sub(r'"(?:[^"\\]|\\.)*"', '""', t)
            files[p] = t

def modpath(p):
    rel = os.path.relpath(p, root)[:-3].split(os.sep)
    if rel[-1] in ('mod', 'lib', 'main'): rel = rel[:-1]
    return tuple(rel)
mods = {modpath(p): p for p in files if not p.endswith('main.rs')}
is_dir_mod = {p: os.path.basename(p) in ('mod.rs', 'lib.rs', 'main.rs') for p in files}

def expand(tree):
    """'a::{b, c::{d}}' -> ['a::b', 'a::c::d']"""
    tree = tree.strip()
    i = tree.find('{')
    if i < 0:
        return [tree]
    prefix = tree[:i]
    inner = tree[i+1:tree.rfind('}')]
    parts, depth, cur = [], 0, ''
    for ch in inner:
        if ch == ',' and depth == 0:
            parts.append(cur); cur = ''
            continue
        depth += ch == '{'; depth -= ch == '}'
        cur += ch
    parts.append(cur)
    out = []
    for part in parts:
        if part.strip():
            for e in expand(part):
                out.append(prefix + e.strip())
    return out

defs = {}; reexports = {}; uses = {}
for p, t in files.items():
    defs[p] = set(re.findall(r'\b(?:fn|struct|enum|trait|type|const|static|mod|union)\s+([A-Za-z_][A-Za-z0-9_]*)', t))
    defs[p] |= set(re.findall(r'macro_rules!\s*([A-Za-z_]\w*)', t))
    reexports[p] = {}; uses[p] = []
    for m in re.finditer(r'^\s*(pub(?:\([a-z]+\))?\s+)?use\s+([^;]+);', t, re.M):
        for path in expand(m.group(2)):
            path = re.sub(r'\s+', '', path)
            name = path.split('::')[-1]
            alias = None
            if ' as ' in m.group(2) and 'as' in path: pass
            if 'as' in name:
                pass
            if m.group(1):
                # A module's own table of contents, not a dependency.
                reexports[p][name] = path
            else:
                uses[p].append(path)

def absolute(p, path):
    parts = path.split('::')
    me = list(modpath(p))
    base = me if is_dir_mod[p] else me
    if parts[0] == 'crate':
        return parts[1:]
    if parts[0] in ('self',):
        return list(me) + parts[1:]
    if parts[0] == 'super':
        cur = list(me)
        while parts and parts[0] == 'super':
            cur = cur[:-1]; parts = parts[1:]
        return cur + parts
    # child module of this module, used without self::
    if tuple(me + [parts[0]]) in mods:
        return list(me) + parts
    return None

def define_site(parts, seen=0):
    if parts is None or seen > 20: return None
    for n in range(len(parts), -1, -1):
        m = tuple(parts[:n])
        if m in mods:
            f = mods[m]
            rest = parts[n:]
            if not rest:
                return f
            name = rest[0]
            if name in reexports[f] and name not in defs[f]:
                return define_site(absolute(f, reexports[f][name]), seen + 1)
            return f
    return None

edges = {p: set() for p in files}
for p, t in files.items():
    refs = list(uses[p])
    body = re.sub(r'^\s*pub(?:\([a-z]+\))?\s+use\s+[^;]+;', '', t, flags=re.M)
    refs += [m.group(0) for m in re.finditer(r'\b(?:crate|super|self)(?:::[A-Za-z_]\w*)+', body)]
    me = list(modpath(p))
    for m in re.finditer(r'\b([a-z_][a-z0-9_]*)::([A-Za-z_]\w*)', body):
        if tuple(me + [m.group(1)]) in mods:
            refs.append(m.group(0))
    for r in refs:
        r = r.replace('::*', '')
        site = define_site(absolute(p, r))
        if site and site != p:
            edges[p].add(site)

index = {}; low = {}; stack = []; on = set(); sccs = []; counter = [0]
sys.setrecursionlimit(10000)
def strong(v):
    index[v] = low[v] = counter[0]; counter[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: sccs.append(comp)
for v in sorted(edges):
    if v not in index: strong(v)
def top(path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    return rel[0]

problems = 0
for c in sccs:
    problems += 1
    print('cycle:', ' '.join(sorted(os.path.relpath(x, root) for x in c)))
    for a in sorted(c):
        print('   ', os.path.relpath(a, root), '->',
              ' '.join(sorted(os.path.relpath(x, root) for x in edges[a] if x in c)))
for a in sorted(edges):
    for b in sorted(edges[a]):
        ta, tb = top(a), top(b)
        if ta == tb:
            continue
        if ta not in RANK or tb not in RANK:
            problems += 1
            print(f'no layer for {ta if ta not in RANK else tb}: add it to LAYERS in scripts/layers.py')
        elif RANK[ta] < RANK[tb]:
            problems += 1
            print(f'{os.path.relpath(a, root)} (layer {ta}) imports {os.path.relpath(b, root)} (layer {tb}, higher)')
if '-v' in sys.argv:
    for a in sorted(edges):
        print(os.path.relpath(a, root), '->', ' '.join(sorted(os.path.relpath(x, root) for x in edges[a])))
print(f'{len(files)} files, {sum(len(e) for e in edges.values())} imports, {problems} problems')
sys.exit(1 if problems else 0)
