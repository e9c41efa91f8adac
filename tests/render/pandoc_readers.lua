-- Renders Markdown files with three of pandoc's readers (its own `markdown`,
-- `gfm` and `commonmark_x`) to HTML in one pandoc process, for
-- tests/integration/common/renderers.rs. Run as a filter on any input:
--   FLASHDECK_RENDER_LIST=LIST FLASHDECK_RENDER_OUT=DIR pandoc --lua-filter pandoc_readers.lua -o /dev/null any.md
-- LIST holds one input path per line; each is written to DIR/<n>.pandoc-<reader>.html.
local readers = { "markdown", "gfm", "commonmark_x" }

function Pandoc(doc)
  local list = os.getenv("FLASHDECK_RENDER_LIST")
  local out_dir = os.getenv("FLASHDECK_RENDER_OUT")
  local n = 0
  for path in io.lines(list) do
    if path ~= "" then
      local f = assert(io.open(path, "r"))
      local text = f:read("a")
      f:close()
      for _, reader in ipairs(readers) do
        local html = pandoc.write(pandoc.read(text, reader), "html")
        local out = assert(io.open(out_dir .. "/" .. n .. ".pandoc-" .. reader .. ".html", "w"))
        out:write(html)
        out:close()
      end
      n = n + 1
    end
  end
  return doc
end
