--[[
print.lua: what the PDF needs so that nothing runs off the page, beyond
the LaTeX set-up in book/metadata.yaml (fvextra breaks long lines of code
blocks). Inline code of 20 characters or more (a path, a long
option, an environment variable's setting) may break after / . _ = , :
as a URL may; LaTeX would otherwise push it past the margin whole. Other
formats pass through.
]]

function Code(code)
  if not FORMAT:match("latex") or utf8.len(code.text) < 20 then return nil end
  local latex = pandoc.write(pandoc.Pandoc({pandoc.Plain({code})}), "latex")
  latex = latex:gsub("%s+$", "")
  latex = latex:gsub("([/.=,:])", "%1\\allowbreak{}"):gsub("\\_", "\\_\\allowbreak{}")
  return pandoc.RawInline("latex", latex)
end
