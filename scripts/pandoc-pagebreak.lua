-- A pandoc filter for flashdeck's Markdown sheets: the page break before the
-- quiz sheet's answer key is a raw `<div style="break-before:page…">`, which
-- browsers and pandoc's HTML output honour but pandoc's LaTeX (PDF) route
-- drops. This turns it into `\newpage` there.
--   pandoc out/x.quiz.md -o quiz.pdf --lua-filter scripts/pandoc-pagebreak.lua
local function breaks_page(text)
  return text and text:match('break%-before:%s*page') ~= nil
end

local function latex_break()
  if FORMAT:match('latex') or FORMAT:match('beamer') then
    return pandoc.RawBlock('latex', '\\newpage')
  end
  return nil
end

function Div(el)
  if breaks_page(el.attributes['style']) then
    return latex_break()
  end
end

function RawBlock(el)
  if el.format == 'html' and breaks_page(el.text) then
    return latex_break()
  end
end
