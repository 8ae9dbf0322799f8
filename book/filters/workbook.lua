--[[
workbook.lua: the book's pandoc filter. It makes every listing, every piece of
command output and every figure in the book come from the real, tested files.

  ```{.c include="solutions/alloc/mm.c" anchor="coalesce"}
  ```
      The lines between "ANCHOR: coalesce" and "ANCHOR_END: coalesce" in
      that file. Marker lines (anchors, solution markers, //~ stubs, interim
      blocks of // INTERIM and //= lines) are dropped, tabs become four
      spaces, and the common indent is removed.
      Without anchor=, the whole file. If a solutions/ file is missing (the
      student handout has no solutions), the labs/ file of the same name is
      used instead. With WORKBOOK_EDITION=student in the environment (make
      student-book), the labs/ file is used even when the solution exists:
      the student's edition shows the code as students receive it (given
      code, stubs and TODOs), and a listing whose anchor lies inside a
      solution region becomes a note that this code is the reader's to
      write.

  ```{.console run="solutions/isolation/isolation-demo maps"}
  ```
      Runs the command from the workbook's root at build time and shows
      "$ command" followed by what it printed. With optional=true (for a
      probe of the machine that not every machine has: perf, PSI, THP) a
      failure is shown in the book instead of stopping the build. With
      WORKBOOK_RUNS=DIR in the environment, a command's output is kept in
      DIR and reused by the other formats of the same build (make book
      empties DIR first), so each command runs once per build. In the
      students' edition, the command and its output name labs/LAB/ where
      they say solutions/LAB/ (a student has no solutions/), and the build
      stops if such a labs/ path does not exist; so do commands in the
      prose (inline code).

  ```{.dot caption="..."}     graphviz source, rendered to a PNG figure
  ```{.gnuplot caption="..."} gnuplot script, rendered to a PNG figure

  ::: myth                    a "myth" box (styled by the CSS; a quote in PDF)

A missing file, a missing anchor, or a command that fails stops the build with
a message naming the chapter's code block.
]]

local ROOT = os.getenv("WORKBOOK_ROOT") or "."
local STUDENT = os.getenv("WORKBOOK_EDITION") == "student"
local FIGURES = os.getenv("WORKBOOK_FIGURES") or "book/out/figures"
local RUNS = os.getenv("WORKBOOK_RUNS")
local RUN_LINE_CAP = 60

local function fail(msg)
  error("workbook.lua: " .. msg, 0)
end

local function file_exists(path)
  local f = io.open(path, "r")
  if f then f:close() return true end
  return false
end

-- Returns the text of the file rel names (or of its labs/ copy: see above)
-- and whether that copy was used.
local function read_file(rel)
  local path = ROOT .. "/" .. rel
  local alt = rel:gsub("^solutions/", "labs/")
  local use_alt = alt ~= rel and file_exists(ROOT .. "/" .. alt)
  if STUDENT and use_alt then
    path = ROOT .. "/" .. alt
  elseif not file_exists(path) then
    if use_alt then
      path = ROOT .. "/" .. alt
    else
      fail("include: no such file: " .. rel)
    end
  end
  local f = io.open(path, "r")
  local text = f:read("a")
  f:close()
  return text, path ~= ROOT .. "/" .. rel
end

-- Returns true if text has the anchor's opening marker.
local function has_anchor(text, anchor)
  for name in text:gmatch("ANCHOR:%s*([%w_%-%.]+)") do
    if name == anchor then return true end
  end
  return false
end

local function is_marker(line)
  return line:match("ANCHOR:") or line:match("ANCHOR_END:")
      or line:match("BEGIN SOLUTION") or line:match("END SOLUTION")
      or line:match("^%s*//~")
      or line:match("^%s*// INTERIM %(") or line:match("^%s*// END INTERIM")
      or line:match("^%s*//=")
end

-- Returns the lines of text between the anchor's two markers.
local function anchor_lines(text, rel, anchor)
  local lines, inside, found, closed = {}, false, false, false
  for line in (text .. "\n"):gmatch("(.-)\n") do
    local name_open = line:match("ANCHOR:%s*([%w_%-%.]+)")
    local name_close = line:match("ANCHOR_END:%s*([%w_%-%.]+)")
    if anchor == nil then
      table.insert(lines, line)
    elseif name_open == anchor then
      inside, found = true, true
    elseif name_close == anchor then
      inside, closed = false, true
    elseif inside then
      table.insert(lines, line)
    end
  end
  if anchor ~= nil and not found then
    fail("include: no anchor '" .. anchor .. "' in " .. rel)
  end
  if anchor ~= nil and not closed then
    fail("include: anchor '" .. anchor .. "' in " .. rel .. " has no ANCHOR_END")
  end
  return lines
end

-- Drops marker lines, expands tabs and removes the common indent.
local function tidy(lines)
  local kept, indent = {}, math.huge
  for _, line in ipairs(lines) do
    if not is_marker(line) then
      line = line:gsub("\t", "    ")
      table.insert(kept, line)
      if line:match("%S") then
        indent = math.min(indent, #line:match("^ *"))
      end
    end
  end
  if indent == math.huge then indent = 0 end
  for i, line in ipairs(kept) do kept[i] = line:sub(indent + 1) end
  while #kept > 0 and not kept[#kept]:match("%S") do table.remove(kept) end
  while #kept > 0 and not kept[1]:match("%S") do table.remove(kept, 1) end
  return table.concat(kept, "\n")
end

-- In the students' edition: text with solutions/LAB/ written labs/LAB/,
-- every such path checked to exist in the student's checkout.
local function student_paths(text)
  if not STUDENT then return text end
  text = text:gsub("solutions/([%w_%-]+)/", "labs/%1/")
  for path in text:gmatch("labs/[%w_%-%./]+") do
    path = path:gsub("[/.]+$", "")
    if path:match("^labs/[%w_%-]+/") and not file_exists(ROOT .. "/" .. path) then
      fail("students' edition: the book shows " .. path ..
           ", which a student's checkout does not have")
    end
  end
  return text
end

local function run_command(cmd, optional)
  local cached = RUNS and RUNS .. "/" ..
    pandoc.utils.sha1(cmd .. (optional and "\0optional" or ""))
  if cached and file_exists(cached) then
    local f = io.open(cached, "r")
    local text = f:read("a")
    f:close()
    return student_paths(text)
  end
  local pipe = io.popen("cd '" .. ROOT .. "' && (" .. cmd .. ") 2>&1", "r")
  local out = pipe:read("a")
  local ok, _, code = pipe:close()
  if not ok and not optional then
    fail("run: '" .. cmd .. "' exited with status " .. tostring(code) ..
         "; its output was:\n" .. out)
  end
  if not ok then
    out = out .. "[on the machine that built this book, this command " ..
          "failed with status " .. tostring(code) .. "]\n"
  end
  local lines, n = {}, 0
  for line in out:gmatch("([^\n]*)\n?") do
    n = n + 1
    if n <= RUN_LINE_CAP then table.insert(lines, line) end
  end
  while #lines > 0 and lines[#lines] == "" do table.remove(lines) end
  if n > RUN_LINE_CAP then
    table.insert(lines, "[... " .. (n - RUN_LINE_CAP) .. " more lines]")
  end
  local text = "$ " .. cmd .. "\n" .. table.concat(lines, "\n")
  if cached then
    os.execute("mkdir -p '" .. RUNS .. "'")
    local f = io.open(cached, "w")
    f:write(text)
    f:close()
  end
  return student_paths(text)
end

local function render_figure(block, tool)
  os.execute("mkdir -p '" .. FIGURES .. "'")
  local name = FIGURES .. "/" .. pandoc.utils.sha1(tool .. block.text) .. ".png"
  if not file_exists(name) then
    local cmd, input
    if tool == "dot" then
      cmd = "dot -Tpng -Gdpi=150 -o '" .. name .. "'"
      input = block.text
    else
      cmd = "cd '" .. ROOT .. "' && gnuplot"
      input = "set terminal pngcairo size 900,560 font 'DejaVu Sans,11'\n" ..
              "set output '" .. name .. "'\n" .. block.text .. "\n"
    end
    local pipe = io.popen(cmd, "w")
    pipe:write(input)
    local ok = pipe:close()
    if not ok or not file_exists(name) then
      fail(tool .. ": could not render a figure; its source begins:\n" ..
           block.text:sub(1, 200))
    end
  end
  local caption = pandoc.read(block.attributes.caption or "").blocks
  return pandoc.Para({
    pandoc.Image(pandoc.utils.blocks_to_inlines(caption), name, "fig:")
  })
end

function CodeBlock(block)
  local attrs = block.attributes
  if attrs.include then
    local text, from_labs = read_file(attrs.include)
    if from_labs and STUDENT and attrs.anchor and
        not has_anchor(text, attrs.anchor) then
      return pandoc.Para({pandoc.Emph({pandoc.Str(
        "[The code of " .. attrs.anchor .. " in " ..
        attrs.include:gsub("^solutions/", "labs/") ..
        " is yours to write in the lab.]")})})
    end
    block.text = tidy(anchor_lines(text, attrs.include, attrs.anchor))
    attrs.include, attrs.anchor = nil, nil
    return block
  end
  if attrs.run then
    block.text = run_command(attrs.run, attrs.optional == "true")
    attrs.run, attrs.optional = nil, nil
    return block
  end
  if block.classes:includes("dot") then return render_figure(block, "dot") end
  if block.classes:includes("gnuplot") then
    return render_figure(block, "gnuplot")
  end
end

function Code(code)
  code.text = student_paths(code.text)
  return code
end

function Div(div)
  if div.classes:includes("myth") and FORMAT:match("latex") then
    return pandoc.BlockQuote(div.content)
  end
end
