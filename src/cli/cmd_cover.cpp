#include "cli/cmd_cover.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/claim_checks.hpp"
#include "cli/cli.hpp"
#include "cli/root.hpp"
#include "core/cover.hpp"
#include "io/atomic_file.hpp"
#include "io/paper_text.hpp"
#include "io/sandbox.hpp"
#include "report/cover_report.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

struct CoverArgs {
  std::vector<std::string> paths;
  std::vector<std::string> papers;
  std::string format = "md";
  std::string output;
  std::string root;
};

// The papers read so far, by canonical path.
class Papers {
 public:
  explicit Papers(const fs::path& root) : m_root(root) {}

  // Reads `file` (once) and returns its index. `shown` is how reports name it.
  std::size_t add(const fs::path& file, const std::string& content) {
    const fs::path canonical = fs::weakly_canonical(fs::absolute(file));
    if (auto it = m_index.find(canonical); it != m_index.end()) return it->second;
    const fs::path inside = canonical.lexically_relative(m_root);
    const fs::path shown = !inside.empty() && *inside.begin() != ".." ? inside : file;
    texts.push_back(read_paper(content, shown, paper_format_of(file)));
    m_index.emplace(canonical, texts.size() - 1);
    return texts.size() - 1;
  }

  std::vector<PaperText> texts;

 private:
  fs::path m_root;
  std::map<fs::path, std::size_t> m_index;
};

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, 0, 0, "cannot read the paper");
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

int run_cover(const CoverArgs& a, std::ostream& out, std::ostream& err) {
  const std::vector<Claim> claims = load_claim_paths(a.paths);
  const Root root = find_root(a.root, a.paths);
  if (!root.note.empty()) err << root.note << "\n";
  const Sandbox sandbox(root.path);
  Papers papers(root.path);
  // Papers named on the command line are the user's own choice; a claim's source.file is read
  // like any file a claim names: inside the repository only.
  for (const auto& paper : a.papers) papers.add(paper, read_text(paper));
  std::vector<CoverClaim> inputs;
  for (const Claim& claim : claims) {
    CoverClaim input;
    input.claim = &claim;
    if (!claim.source.file.empty()) {
      try {
        const fs::path file = sandbox.resolve(fs::absolute(claim.location.file).parent_path(), claim.source.file);
        input.own_paper = papers.add(file, sandbox.read(file));
      } catch (const PathError& e) {
        input.problem = e.what();
      }
    }
    if (has_quote(claim)) {
      for (PaperFormat format : {PaperFormat::latex, PaperFormat::markdown, PaperFormat::plain}) {
        input.quote.push_back(read_quote(claim.source.quote, format));
      }
    }
    inputs.push_back(std::move(input));
  }
  const CoverReport report = cover(inputs, papers.texts);

  for (const auto& c : report.claims) {
    if (c.status != CoverStatus::drift) continue;
    err << "drift      " << c.id << "  " << paper_place(c) << (c.paper.empty() ? "" : ": ") << cover_message(c)
        << "\n";
  }
  err << "claimcheck: cover: " << cover_summary_line(report) << "\n";
  const std::string rendered = a.format == "json" ? render_cover_json(report) : render_cover_markdown(report);
  if (a.output.empty() || a.output == "-") {
    out << rendered;
  } else {
    write_file_atomically(a.output, rendered);
  }
  return report.count(CoverStatus::drift) > 0 ? k_exit_failed : k_exit_ok;
}

}  // namespace

ExtraCommand make_cover_command(CLI::App& app) {
  auto a = std::make_shared<CoverArgs>();
  CLI::App* cmd = app.add_subcommand(
      "cover", "the paper against its claims: each claim's quote and number in the paper (drift: exit 1), and the "
               "paper's numbers no claim covers");
  cmd->add_option("paths", a->paths, "claim files or folders (default: claims/)");
  cmd->add_option("--paper", a->papers,
                  "the paper's LaTeX or Markdown source (repeatable); claims with source.file bring their own");
  cmd->add_option("--format", a->format, "md (default) or json")->check(CLI::IsMember({"md", "json"}));
  cmd->add_option("-o,--output", a->output, "write the report here (atomically) instead of stdout");
  cmd->add_option("--root", a->root, "repository root (default: the git work tree of the claims)");
  return ExtraCommand{cmd, [a](std::ostream& out, std::ostream& err) { return run_cover(*a, out, err); }};
}

}  // namespace claimcheck
