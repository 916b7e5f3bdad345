// The paper loop end to end, on a test repository with a LaTeX paper: cover finds every claim's
// number in the paper, reports drift by claim id and FILE:LINE once the paper is edited (exit 1),
// and lists the numbers no claim covers; render --format latex gives macros that pdflatex
// (texlive-latex-base) compiles into a PDF whose text (pdftotext, poppler-utils) shows the
// measured values.

#include <map>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "io/process.hpp"
#include "support/support.hpp"

namespace claimcheck {
namespace {

namespace fs = std::filesystem;

const fs::path k_repo = fs::path(CLAIMCHECK_TEST_DIR).parent_path();
constexpr const char* k_git = "git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false ";

// The paper: LaTeX's spacing and separators, siunitx, a comment, a line break inside a quote,
// references and citations, and numbers that are inputs rather than claims.
constexpr const char* k_paper = R"(\documentclass{article}
\usepackage{siunitx}
\begin{document}
\section{Results}\label{sec:results}
% An earlier draft said 31,000 cycles here.
The 32$\times$32$\times$32 GEMM takes 32{,}768~cycles on
one PE and \SI{0.708}{\micro\joule} (Table~2).
On a ring of \notaclaim{8} NPUs, a \SI{64}{\mebi\byte} all-reduce % claimcheck: ignore
finishes in 2.33\,ms.
Its mean latency over \notaclaim{3} runs is 1.58~ms, and the PE is busy 100\%
of the time~\cite{timeloop}.
We leave 4 designs for later.
\end{document}
)";

// Claims of the paper, each quoting it; one of them made with `claimcheck new`.
constexpr const char* k_claims = R"([
  {"id": "gemm-cycles", "title": "The GEMM takes 32,768 cycles",
   "source": {"paper": "Our paper", "file": "../paper/main.tex", "quote": "takes 32,768 cycles"},
   "tool": "timeloop",
   "inputs": ["../inputs/toy/arch.yaml", "../inputs/toy/problem.yaml", "../inputs/toy/mapping.yaml", "../inputs/toy/ERT.yaml"],
   "metric": "cycles", "expected": {"value": 32768, "unit": "cycles"}},
  {"id": "gemm-energy", "title": "The GEMM takes 0.708 uJ",
   "source": {"paper": "Our paper", "file": "../paper/main.tex", "quote": "one PE and \\SI{0.708}{\\micro\\joule}"},
   "tool": "timeloop",
   "inputs": ["../inputs/toy/arch.yaml", "../inputs/toy/problem.yaml", "../inputs/toy/mapping.yaml", "../inputs/toy/ERT.yaml"],
   "metric": "energy", "expected": {"value": 0.708, "unit": "uJ"}, "tolerance": {"absolute": 0.0005}},
  {"id": "gemm-utilization", "title": "The PE is busy all the time",
   "source": {"paper": "Our paper", "file": "../paper/main.tex", "line": 10, "quote": "the PE is busy 100% of the time"},
   "tool": "timeloop",
   "inputs": ["../inputs/toy/arch.yaml", "../inputs/toy/problem.yaml", "../inputs/toy/mapping.yaml", "../inputs/toy/ERT.yaml"],
   "metric": "utilization", "expected": {"value": 1.0, "unit": "ratio"}},
  {"id": "mean-latency", "title": "Mean latency 1.58 ms",
   "source": {"paper": "Our paper", "file": "../paper/main.tex", "quote": "mean latency over 3 runs is 1.58 ms"},
   "tool": "artifact", "mode": "reread", "artifact": "../runs/latency.csv", "metric": "latency",
   "extract": {"csv_column": "latency_ms", "aggregate": "mean"},
   "expected": {"value": 1.58, "unit": "ms"}, "tolerance": {"absolute": 0.005}}
]
)";

struct PaperRepo {
  test::TempDir dir;
  PaperRepo() {
    fs::create_directories(dir.path() / "inputs");
    fs::create_directories(dir.path() / "runs");
    fs::copy(k_repo / "claims/timeloop/toy_1pe_gemm_32x32x32", dir.path() / "inputs/toy", fs::copy_options::recursive);
    fs::copy(k_repo / "claims/astrasim/inputs/ar_ring8_64MiB", dir.path() / "runs/ring8", fs::copy_options::recursive);
    dir.write("runs/latency.csv", "run,latency_ms\na,1.25\nb,1.5\nc,2.0\n");
    dir.write("paper/main.tex", k_paper);
    dir.write("claims/paper.claim.json", k_claims);
    test::sh("git init -q -b main .", dir.path());
    // The all-reduce's claim, from its run: measured 2,326,112 ns, printed as the paper prints it.
    const auto made = test::run({"new", "astra-sim", "runs/ring8/network.yml", "runs/ring8/system.json",
                                 "runs/ring8/workload/wl", "--metric", "finish_time", "--id", "ring8-allreduce",
                                 "--unit", "ms", "--title", "A 64 MiB all-reduce on 8 NPUs finishes in 2.33 ms",
                                 "--source-paper", "Our paper", "--paper", "paper/main.tex", "--quote",
                                 "all-reduce finishes in 2.33 ms", "-o", "claims/paper.claim.json", "--append"},
                                dir.path());
    EXPECT_EQ(made.exit_code, 0) << made.err;
    test::sh(std::string(k_git) + "add -A && " + k_git + "commit -q -m paper", dir.path());
  }
};

ProcessResult run_tool(const std::vector<std::string>& argv, const fs::path& cwd) {
  ProcessRequest request;
  request.argv = argv;
  request.working_dir = cwd;
  request.environment = {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}, {"HOME", cwd.string()}};
  request.search_path = "/usr/bin:/bin";
  request.timeout = std::chrono::minutes(2);
  return system_process_runner().run(request);
}

TEST(PaperLoop, CoverLinksEveryClaimToItsNumber) {
  PaperRepo repo;
  EXPECT_EQ(test::run({"lint"}, repo.dir.path()).exit_code, 0);
  const auto r = test::run({"cover"}, repo.dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "claimcheck: cover: 0 drifted, 5 linked, 0 printed by macro, 0 not found, 0 without a quote; "
                   "4 numbers no claim covers\n");
  // "4 designs" and the 32s of 32x32x32 are left; the ignored line, \notaclaim{8} and {3}, the
  // table and citation numbers are not listed.
  test::expect_golden("cover/report.md", r.out);
}

TEST(PaperLoop, AnEditedPaperIsDriftByClaimIdAndLine) {
  PaperRepo repo;
  std::string paper = k_paper;
  paper.replace(paper.find("32{,}768"), 8, "33{,}000");
  paper.replace(paper.find("1.58~ms"), 7, "1.61~ms");
  repo.dir.write("paper/main.tex", paper);
  const auto r = test::run({"cover", "--format", "json"}, repo.dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "drift      gemm-cycles  paper/main.tex:6: the paper now says 33000 cycles where the quote says 32768; the "
            "claim expects 32768 cycles\n"
            "drift      mean-latency  paper/main.tex:10: the paper now says 1.61 ms where the quote says 1.58; the claim "
            "expects 1.58 ms\n"
            "claimcheck: cover: 2 drifted, 3 linked, 0 printed by macro, 0 not found, 0 without a quote; 4 numbers no "
            "claim covers\n");
  // The claim edited instead, with its quote left as it was: drift too.
  repo.dir.write("paper/main.tex", k_paper);
  std::string claims = test::read_file(repo.dir.path() / "claims/paper.claim.json");
  claims.replace(claims.find("\"value\": 1.58"), 13, "\"value\": 1.61");
  repo.dir.write("claims/paper.claim.json", claims);
  const auto edited = test::run({"cover"}, repo.dir.path());
  EXPECT_EQ(edited.exit_code, 1);
  EXPECT_NE(edited.err.find("drift      mean-latency  paper/main.tex:10: the claim expects 1.61 ms, but the paper says "
                            "1.58 ms\n"),
            std::string::npos)
      << edited.err;
  // A quote gone from the paper.
  std::string cut = k_paper;
  cut.erase(cut.find("Its mean latency"), 48);
  repo.dir.write("paper/main.tex", cut);
  const auto gone = test::run({"cover"}, repo.dir.path());
  EXPECT_NE(gone.err.find("drift      mean-latency  paper/main.tex: the quote \"mean latency over 3 runs is 1.58 ms\" is "
                          "no longer in the paper\n"),
            std::string::npos)
      << gone.err;
}

TEST(PaperLoop, TheShippedClaimsLinkWithTheirQuotesAsTheyAre) {
  // The artifact claims quote the files they re-read; given those as the papers, every quoted
  // number is found and equals its claim, with no edit to the claims.
  const auto r = test::run({"cover", "claims/artifact/timeloop.claim.json", "claims/artifact/astrasim.claim.json",
                            "--paper", "claims/artifact/timeloop/simple_ws_resnet50_res3_1x1/timeloop-model.stats.txt",
                            "--paper", "claims/artifact/timeloop/eyeriss_like_resnet50_conv1_7x7s2/timeloop-model.stats.txt",
                            "--paper", "claims/artifact/astrasim/ar_ring8_64MiB/stdout.log", "--paper",
                            "claims/artifact/astrasim/refcase-summary.csv", "--format", "json"},
                           k_repo);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  std::map<std::string, std::string> status;
  for (const auto& c : report.at("claims")) status[c.at("id")] = c.at("status");
  EXPECT_EQ(status.at("timeloop-simple-ws-res3-1x1-cycles"), "linked");
  EXPECT_EQ(status.at("timeloop-simple-ws-res3-1x1-energy"), "linked");
  EXPECT_EQ(status.at("timeloop-eyeriss-conv1-utilization"), "linked");  // "0.58" is the claim's 58 %
  EXPECT_EQ(status.at("astrasim-ar-ring8-64mib"), "linked");             // "2326112 cycles" read in the extract's ns
  EXPECT_EQ(status.at("astrasim-a2a-fc8-direct-csv"), "linked");
  EXPECT_EQ(report.at("summary").at("drift"), 0);
}

TEST(PaperLoop, LatexMacrosCompileIntoThePaper) {
  PaperRepo repo;
  // The outputs go to a folder of their own: outside the repository (so they do not dirty it) and
  // not shared with other tests running at the same time.
  const test::TempDir out;
  const std::string record = (out.path() / "record.json").string();
  const auto audit = test::run({"audit", "--record", record, "-o", (out.path() / "report.md").string()}, repo.dir.path());
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  const auto render = test::run({"render", record, "--format", "latex", "-o", "paper/claims.tex"}, repo.dir.path());
  ASSERT_EQ(render.exit_code, 0) << render.err;
  repo.dir.write("paper/values.tex", R"(\documentclass{article}
\input{claims.tex}
\begin{document}
The GEMM takes \claimvalue{gemm-cycles} and \claimvalue{gemm-energy} (\claimverdict{gemm-energy}).
The all-reduce finishes in \claimvalue{ring8-allreduce}; mean latency \claimnumber{mean-latency}~\claimunit{mean-latency}.
Busy \claimvalue{gemm-utilization} of the time. \claimchecksummary.
\end{document}
)");
  // cover sees the macros as the claims themselves.
  const auto cover = test::run({"cover", "--paper", "paper/values.tex", "--format", "json"}, repo.dir.path());
  EXPECT_EQ(cover.exit_code, 0) << cover.err;
  const fs::path dir = repo.dir.path() / "paper";
  const ProcessResult latex = run_tool({"pdflatex", "-interaction=nonstopmode", "-halt-on-error", "values.tex"}, dir);
  ASSERT_EQ(latex.end, ProcessEnd::exited) << "pdflatex did not run (install texlive-latex-base: bash .ci/deps)";
  ASSERT_EQ(latex.exit_code, 0) << latex.out.substr(latex.out.size() > 3000 ? latex.out.size() - 3000 : 0);
  const ProcessResult text = run_tool({"pdftotext", "values.pdf", "-"}, dir);
  ASSERT_EQ(text.exit_code, 0) << "pdftotext failed (install poppler-utils: bash .ci/deps)\n" << text.err;
  // One line of text, however pdftotext spaces it.
  const std::string flat = std::regex_replace(text.out, std::regex("\\s+"), " ");
  EXPECT_NE(flat.find("The GEMM takes 32768 cycles and 0.708 \u00b5J (verified)."), std::string::npos) << flat;
  EXPECT_NE(flat.find("finishes in 2.33 ms; mean latency 1.58 ms."), std::string::npos) << flat;
  EXPECT_NE(flat.find("Busy 1.0 of the time. 5 claims: 5 verified, 0 discrepant, 0 blocked."), std::string::npos)
      << flat;
}

// A Markdown paper (a README, a blog post) is read the same way: code and comments are not prose.
TEST(PaperLoop, AMarkdownPaperToo) {
  test::TempDir dir;
  dir.write("README.md", "# Results\n\nThe all-reduce finishes in **2.33 ms** on 8 NPUs.\n\n"
                         "```\nclaimcheck audit -j 64\n```\n<!-- claimcheck: ignore -->We ran it 5 times.\n");
  dir.write("claims/out.json", R"({"a": 2326112})");
  dir.write("claims/a.claim.json", R"({"id": "ar", "title": "T", "source": {"paper": "P", "file": "../README.md",
    "quote": "finishes in 2.33 ms"}, "tool": "artifact", "mode": "reread", "metric": "m", "artifact": "out.json",
    "extract": {"json_pointer": "/a", "unit": "ns"}, "expected": {"value": 2.33, "unit": "ms"},
    "tolerance": {"absolute": 0.005}})");
  test::sh("git init -q .", dir.path());
  const auto r = test::run({"cover", "--format", "json"}, dir.path());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_EQ(report.at("claims").at(0).at("status"), "linked");
  EXPECT_EQ(report.at("claims").at(0).at("line"), 3);
  ASSERT_EQ(report.at("unclaimed").size(), 1u);  // "8 NPUs"; not the code's 64, nor the ignored line's 5
  EXPECT_EQ(report.at("unclaimed").at(0).at("number"), "8");
}

// A claim's source.file is read like any file a claim names: inside the repository only.
TEST(PaperLoop, APaperOutsideTheRepositoryIsNotRead) {
  test::TempDir outside;
  outside.write("secret.tex", "The key is 1234.\n");
  test::TempDir dir;
  dir.write("claims/a.claim.json", R"({"id": "a", "title": "T", "source": {"paper": "P", "file": ")" +
                                       (outside.path() / "secret.tex").string() + R"(", "quote": "The key is 1234"},
    "tool": "artifact", "mode": "reread", "metric": "m", "artifact": "x.json", "extract": {"json_pointer": "/a"},
    "expected": {"value": 1234, "unit": "count"}})");
  dir.write("claims/b.claim.json", R"({"id": "b", "title": "T", "source": {"paper": "P", "file": "../../escape.tex",
    "quote": "The key is 1234"}, "tool": "artifact", "mode": "reread", "metric": "m", "artifact": "x.json",
    "extract": {"json_pointer": "/a"}, "expected": {"value": 1234, "unit": "count"}})");
  dir.write("claims/x.json", R"({"a": 1234})");
  test::sh("git init -q .", dir.path());
  const auto r = test::run({"cover", "--format", "json"}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  const auto report = nlohmann::json::parse(r.out);
  EXPECT_TRUE(report.at("papers").empty());  // nothing was read
  EXPECT_EQ(report.at("claims").at(0).at("message"),
            "cannot read the paper: absolute path \"" + (outside.path() / "secret.tex").string() +
                "\" is not allowed; write it relative to the claim file");
  EXPECT_NE(report.at("claims").at(1).at("message").get<std::string>().find("leaves the repository"), std::string::npos);
  EXPECT_EQ(test::run({"lint"}, dir.path()).exit_code, 2);
}

}  // namespace
}  // namespace claimcheck
