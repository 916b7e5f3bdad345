#include "cli/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <future>
#include <ostream>
#include <sstream>

#include "core/judge.hpp"
#include "report/format.hpp"

namespace claimcheck {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto k_redraw_every = std::chrono::milliseconds(200);
constexpr const char* k_clear_line = "\r\033[K";

std::string seconds_text(double seconds) {
  std::ostringstream out;
  if (seconds < 10) {
    out.precision(1);
    out << std::fixed << seconds << " s";
  } else if (seconds < 60) {
    out << static_cast<long>(std::lround(seconds)) << " s";
  } else {
    const long s = std::lround(seconds);
    out << s / 60 << " min " << s % 60 << " s";
  }
  return out.str();
}

}  // namespace

std::string claim_line(const ClaimResult& r) {
  const auto& info = verdict_info(r.verdict);
  std::string line(info.label);
  if (line.size() < 11) line.append(11 - line.size(), ' ');
  line += r.id;
  line += "  expected ";
  line += format_expected(r.expected);
  if (r.verdict == Verdict::blocked) {
    line += "  blocked (";
    line += r.block_kind;
    line += "): ";
    line += r.reason;
  } else {
    line += "  measured ";
    line += format_quantity(*r.measured, r.expected.unit.symbol);
    if (!r.measured_basis.empty()) {
      line += " (";
      line += r.measured_basis;
      line += ")";
    }
    line += "  error ";
    line += format_error(r.expected, r.error, r.relative_error);
    line += "  tolerance ";
    line += format_tolerance(r.expected);
  }
  if (r.stale) line += "  [stale]";
  if (r.evidence_uncommitted) line += "  [uncommitted evidence]";
  return line;
}

void LineProgress::warning(const std::string& text) { m_err << "claimcheck: warning: " << text << "\n" << std::flush; }

void LineProgress::finished(const std::vector<ClaimResult>& results) {
  // The lines of the second half are formatted on a thread of their own (an audit may have
  // thousands of claims), and written in two blocks: stderr is unbuffered.
  auto format = [&results](std::size_t from, std::size_t to) {
    std::string lines;
    for (std::size_t i = from; i < to; ++i) {
      lines += claim_line(results[i]);
      lines += '\n';
    }
    return lines;
  };
  const std::size_t half = results.size() > 1024 ? results.size() / 2 : results.size();
  auto second = std::async(std::launch::async, format, half, results.size());
  m_err << format(0, half);
  m_err << second.get() << std::flush;
}

LiveProgress::LiveProgress(std::ostream& err, int width) : m_err(err), m_width(std::max(20, width)) {
  m_ticker = std::jthread([this](std::stop_token stop) {
    std::unique_lock lock(m_mutex);
    while (!stop.stop_requested()) {
      m_wake.wait_for(lock, stop, k_redraw_every, [] { return false; });
      if (stop.stop_requested()) break;
      draw();
    }
  });
}

LiveProgress::~LiveProgress() { stop(); }

void LiveProgress::stop() {
  if (m_ticker.joinable()) {
    m_ticker.request_stop();
    m_ticker.join();
  }
}

void LiveProgress::planned(std::size_t claims) {
  const std::lock_guard lock(m_mutex);
  m_total = claims;
  draw();
}

void LiveProgress::measuring(const Claim& claim) {
  const std::lock_guard lock(m_mutex);
  m_running.emplace(&claim, Clock::now());
}

void LiveProgress::measured(const Claim& claim, const Outcome& outcome) {
  Verdict verdict = Verdict::blocked;
  if (const auto* m = std::get_if<Measurement>(&outcome)) verdict = judge(claim.expected, m->value, m->unit).verdict;
  const std::lock_guard lock(m_mutex);
  m_running.erase(&claim);
  ++m_done;
  switch (verdict) {
    case Verdict::verified: ++m_verified; break;
    case Verdict::discrepant: ++m_discrepant; break;
    case Verdict::blocked: ++m_blocked; break;
  }
}

void LiveProgress::warning(const std::string& text) {
  const std::lock_guard lock(m_mutex);
  m_err << k_clear_line << "claimcheck: warning: " << text << "\n";
  m_drawn = false;
  draw();
}

void LiveProgress::finished(const std::vector<ClaimResult>& results) {
  stop();
  const std::lock_guard lock(m_mutex);
  if (m_drawn) m_err << k_clear_line;
  m_drawn = false;
  // The live line is gone: the claims that need attention stay on screen.
  for (const auto& r : results) {
    if (r.verdict == Verdict::discrepant) m_err << claim_line(r) << "\n";
  }
  m_err << std::flush;
}

std::string LiveProgress::line(Clock::time_point now) const {
  std::ostringstream out;
  out << "claimcheck: " << m_done << "/" << m_total << " claims  " << m_verified << " verified  " << m_discrepant
      << " discrepant  " << m_blocked << " blocked";
  if (!m_running.empty()) {
    auto slowest = m_running.begin();
    for (auto it = m_running.begin(); it != m_running.end(); ++it) {
      if (it->second < slowest->second) slowest = it;
    }
    const double running = std::chrono::duration<double>(now - slowest->second).count();
    out << "  slowest: " << slowest->first->id << " " << seconds_text(running);
  }
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  if (m_done > 0 && m_done < m_total) {
    out << "  ETA " << seconds_text(elapsed * static_cast<double>(m_total - m_done) / static_cast<double>(m_done));
  }
  std::string text = out.str();
  if (text.size() >= static_cast<std::size_t>(m_width)) text.resize(static_cast<std::size_t>(m_width) - 1);
  return text;
}

void LiveProgress::draw() {
  m_err << k_clear_line << line(Clock::now()) << std::flush;
  m_drawn = true;
}

int terminal_width(int fd) {
  winsize size{};
  if (::ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

}  // namespace claimcheck
