#pragma once
// An audit's progress on stderr. Not on a terminal: one line per claim, in claim order, once the
// audit is done. On a terminal: a single line, updated in place while the audit runs (claims
// done of all, verdicts so far, the claim measuring longest, an estimate of the time left), then
// the discrepant claims' lines.

#include <chrono>
#include <condition_variable>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "cli/pipeline.hpp"

namespace claimcheck {

// The line printed for a claim's result: verdict, id, expected, measured, error, tolerance.
std::string claim_line(const ClaimResult& result);

class LineProgress final : public AuditObserver {
 public:
  explicit LineProgress(std::ostream& err) : m_err(err) {}
  void warning(const std::string& text) override;
  void finished(const std::vector<ClaimResult>& results) override;

 private:
  std::ostream& m_err;
};

class LiveProgress final : public AuditObserver {
 public:
  // `width`: the terminal's columns; the line is cut to fit.
  LiveProgress(std::ostream& err, int width);
  ~LiveProgress() override;
  LiveProgress(const LiveProgress&) = delete;
  LiveProgress& operator=(const LiveProgress&) = delete;

  void planned(std::size_t claims) override;
  void measuring(const Claim& claim) override;
  void measured(const Claim& claim, const Outcome& outcome) override;
  void warning(const std::string& text) override;
  void finished(const std::vector<ClaimResult>& results) override;

  // The line as drawn at `now` (for tests).
  std::string line(std::chrono::steady_clock::time_point now) const;

 private:
  void draw();
  void stop();

  std::ostream& m_err;
  int m_width;
  mutable std::mutex m_mutex;
  std::condition_variable_any m_wake;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::size_t m_total = 0;
  std::size_t m_done = 0;
  std::size_t m_verified = 0;
  std::size_t m_discrepant = 0;
  std::size_t m_blocked = 0;
  std::map<const Claim*, std::chrono::steady_clock::time_point> m_running;
  bool m_drawn = false;
  std::jthread m_ticker;
};

// The columns of the terminal on file descriptor `fd` (80 when unknown).
int terminal_width(int fd);

}  // namespace claimcheck
