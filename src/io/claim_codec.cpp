#include "io/claim_codec.hpp"

#include <cstdint>
#include <cstring>
#include <type_traits>

namespace claimcheck {

namespace {

// The codec writes every field of these types; a field added to one of them changes its size
// and stops the build here until encode() and decode() below write and read it too (and the
// format tag changes).
#if defined(__x86_64__) && defined(__GLIBCXX__) && !defined(_GLIBCXX_DEBUG)
static_assert(sizeof(Source) == 200, "a field was added to Source: encode and decode it");
static_assert(sizeof(Spec) == 88, "a field was added to Spec: encode and decode it");
static_assert(sizeof(Unit) == 48, "a field was added to Unit: encode and decode it");
static_assert(sizeof(Tolerance) == 32, "a field was added to Tolerance: encode and decode it");
static_assert(sizeof(Expected) == 120, "a field was added to Expected: encode and decode it");
static_assert(sizeof(Extract) == 168, "a field was added to Extract: encode and decode it");
static_assert(sizeof(ClaimLocation) == 80, "a field was added to ClaimLocation: encode and decode it");
static_assert(sizeof(Derivation) == 32, "a field was added to Derivation: encode and decode it");
static_assert(sizeof(Claim) == 1088, "a field was added to Claim: encode and decode it");
#endif

constexpr std::string_view k_format = "claims 1\n";
// The fewest bytes a claim is written in (its strings' lengths alone take more).
constexpr std::size_t k_min_claim_bytes = 64;

class Writer {
 public:
  std::string out;

  void u8(std::uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void f64(double v) { raw(&v, sizeof v); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void str(std::string_view s) {
    u64(s.size());
    out.append(s);
  }
  void strs(const std::vector<std::string>& list) {
    u64(list.size());
    for (const auto& s : list) str(s);
  }
  void opt_str(const std::optional<std::string>& s) {
    boolean(s.has_value());
    if (s) str(*s);
  }
  void opt_f64(const std::optional<double>& v) {
    boolean(v.has_value());
    if (v) f64(*v);
  }
  template <class E>
  void enumeration(E e) {
    u8(static_cast<std::uint8_t>(e));
  }
  // Null is the common case (no inline spec, no options): one byte.
  void json(const nlohmann::json& j) {
    boolean(!j.is_null());
    if (j.is_null()) return;
    const std::vector<std::uint8_t> cbor = nlohmann::json::to_cbor(j);
    u64(cbor.size());
    out.append(reinterpret_cast<const char*>(cbor.data()), cbor.size());
  }
  void unit(const Unit& u) {
    str(u.symbol);
    enumeration(u.dimension);
    f64(u.to_base);
  }

 private:
  void raw(const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }
};

// Reads what Writer wrote; the first thing it cannot read makes it fail, and every later read
// returns a default.
class Reader {
 public:
  explicit Reader(std::string_view in) : m_in(in) {}

  bool ok() const { return m_ok; }
  bool done() const { return m_ok && m_at == m_in.size(); }

  std::uint8_t u8() {
    std::uint8_t v = 0;
    raw(&v, 1);
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  std::int64_t i64() {
    std::int64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  int i32() {
    const std::int64_t v = i64();
    if (v < INT32_MIN || v > INT32_MAX) fail();
    return m_ok ? static_cast<int>(v) : 0;
  }
  double f64() {
    double v = 0;
    raw(&v, sizeof v);
    return v;
  }
  bool boolean() {
    const std::uint8_t v = u8();
    if (v > 1) fail();
    return v == 1;
  }
  std::string str() {
    const std::uint64_t n = length();
    if (!m_ok) return {};
    std::string s(m_in.substr(m_at, n));
    m_at += n;
    return s;
  }
  std::vector<std::string> strs() {
    std::vector<std::string> list(count(8));
    for (auto& s : list) s = str();
    return list;
  }
  std::optional<std::string> opt_str() {
    if (!boolean()) return std::nullopt;
    return str();
  }
  std::optional<double> opt_f64() {
    if (!boolean()) return std::nullopt;
    return f64();
  }
  // An enumerator no greater than `last`.
  template <class E>
  E enumeration(E last) {
    const std::uint8_t v = u8();
    if (v > static_cast<std::uint8_t>(last)) fail();
    return m_ok ? static_cast<E>(v) : E{};
  }
  nlohmann::json json() {
    if (!boolean()) return nullptr;
    const std::uint64_t n = length();
    if (!m_ok) return nullptr;
    const auto* begin = reinterpret_cast<const std::uint8_t*>(m_in.data() + m_at);
    m_at += n;
    nlohmann::json j = nlohmann::json::from_cbor(begin, begin + n, true, false);
    if (j.is_discarded()) fail();
    return j;
  }
  Unit unit() {
    Unit u;
    u.symbol = str();
    u.dimension = enumeration(Dimension::energy_per_op);
    u.to_base = f64();
    return u;
  }
  // A count of items each at least `bytes` long: what is left must hold them (a damaged count
  // allocates nothing).
  std::size_t count(std::size_t bytes) {
    const std::uint64_t n = u64();
    if (n > (m_in.size() - m_at) / bytes) fail();
    return m_ok ? static_cast<std::size_t>(n) : 0;
  }

 private:
  // A length that what is left can hold.
  std::uint64_t length() {
    const std::uint64_t n = u64();
    if (n > m_in.size() - m_at) fail();
    return m_ok ? n : 0;
  }
  void raw(void* p, std::size_t n) {
    if (!m_ok || n > m_in.size() - m_at) {
      fail();
      return;
    }
    std::memcpy(p, m_in.data() + m_at, n);
    m_at += n;
  }
  void fail() { m_ok = false; }

  std::string_view m_in;
  std::size_t m_at = 0;
  bool m_ok = true;
};

void write_spec(Writer& w, const Spec& s) {
  w.str(s.name);
  w.opt_str(s.path);
  w.json(s.inline_spec);
}

Spec read_spec(Reader& r) {
  Spec s;
  s.name = r.str();
  s.path = r.opt_str();
  s.inline_spec = r.json();
  return s;
}

void write_claim(Writer& w, const Claim& c) {
  w.str(c.id);
  w.str(c.title);
  const Source& s = c.source;
  for (const std::string* field : {&s.paper, &s.where, &s.quote, &s.url, &s.doi, &s.file}) w.str(*field);
  w.i64(s.line);
  w.str(c.tool);
  w.enumeration(c.mode);
  write_spec(w, c.workload);
  write_spec(w, c.hardware);
  w.str(c.metric);
  const Expected& e = c.expected;
  w.enumeration(e.kind);
  w.f64(e.value);
  w.f64(e.min);
  w.f64(e.max);
  w.unit(e.unit);
  w.opt_f64(e.tolerance.relative);
  w.opt_f64(e.tolerance.absolute);
  w.boolean(e.decimals.has_value());
  if (e.decimals) w.i64(*e.decimals);
  w.opt_str(c.artifact);
  w.strs(c.inputs);
  const Extract& x = c.extract;
  w.enumeration(x.kind);
  w.str(x.json_pointer);
  w.str(x.column);
  w.u64(x.where.size());
  for (const auto& [column, value] : x.where) {
    w.str(column);
    w.str(value);
  }
  w.str(x.aggregate);
  w.str(x.pattern);
  w.i64(x.occurrence);
  w.boolean(c.measured_unit.has_value());
  if (c.measured_unit) w.unit(*c.measured_unit);
  w.json(c.options);
  w.strs(c.tags);
  w.boolean(c.cache.has_value());
  if (c.cache) w.boolean(*c.cache);
  w.boolean(c.derived.has_value());
  if (c.derived) {
    w.enumeration(c.derived->op);
    w.strs(c.derived->operands);
  }
  w.str(c.location.file.native());
  w.str(c.location.pointer);
  w.i64(c.location.line);
  w.i64(c.location.column);
}

void read_claim(Reader& r, Claim& c) {
  c.id = r.str();
  c.title = r.str();
  Source& s = c.source;
  for (std::string* field : {&s.paper, &s.where, &s.quote, &s.url, &s.doi, &s.file}) *field = r.str();
  s.line = r.i32();
  c.tool = r.str();
  c.mode = r.enumeration(Mode::reread);
  c.workload = read_spec(r);
  c.hardware = read_spec(r);
  c.metric = r.str();
  Expected& e = c.expected;
  e.kind = r.enumeration(Expected::Kind::at_least);
  e.value = r.f64();
  e.min = r.f64();
  e.max = r.f64();
  e.unit = r.unit();
  e.tolerance.relative = r.opt_f64();
  e.tolerance.absolute = r.opt_f64();
  if (r.boolean()) e.decimals = r.i32();
  c.artifact = r.opt_str();
  c.inputs = r.strs();
  Extract& x = c.extract;
  x.kind = r.enumeration(Extract::Kind::regex);
  x.json_pointer = r.str();
  x.column = r.str();
  x.where.resize(r.count(16));
  for (auto& [column, value] : x.where) {
    column = r.str();
    value = r.str();
  }
  x.aggregate = r.str();
  x.pattern = r.str();
  x.occurrence = r.i32();
  if (r.boolean()) c.measured_unit = r.unit();
  c.options = r.json();
  c.tags = r.strs();
  if (r.boolean()) c.cache = r.boolean();
  if (r.boolean()) {
    Derivation d;
    d.op = r.enumeration(DerivedOp::mean);
    d.operands = r.strs();
    c.derived = std::move(d);
  }
  c.location.file = r.str();
  c.location.pointer = r.str();
  c.location.line = r.i32();
  c.location.column = r.i32();
}

}  // namespace

std::string encode_claims(const std::vector<Claim>& claims) {
  Writer w;
  w.out.reserve(claims.size() * 1024);
  w.out.append(k_format);
  w.u64(claims.size());
  for (const Claim& c : claims) write_claim(w, c);
  return std::move(w.out);
}

std::optional<std::vector<Claim>> decode_claims(std::string_view bytes) {
  if (bytes.substr(0, k_format.size()) != k_format) return std::nullopt;
  Reader r(bytes.substr(k_format.size()));
  std::vector<Claim> claims(r.count(k_min_claim_bytes));
  for (Claim& c : claims) {
    read_claim(r, c);
    if (!r.ok()) return std::nullopt;
  }
  if (!r.done()) return std::nullopt;
  return claims;
}

}  // namespace claimcheck
