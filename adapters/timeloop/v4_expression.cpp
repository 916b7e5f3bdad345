#include "adapters/timeloop/v4_expression.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

namespace claimcheck::timeloop {
namespace {

enum class Tok { number, string, name, op, lparen, rparen, comma, end };

struct Token {
  Tok kind = Tok::end;
  std::string text;
  std::size_t at = 0;
};

[[noreturn]] void fail(const std::string& message, const std::string& hint = {}) {
  throw V4ExpressionError{message, hint};
}

std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.at = i;
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      std::size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '_')) ++j;
      if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
        std::size_t k = j + 1;
        if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
        if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
          j = k;
          while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
        }
      }
      t.kind = Tok::number;
      t.text = s.substr(i, j - i);
      i = j;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      t.kind = Tok::name;
      t.text = s.substr(i, j - i);
      i = j;
    } else if (c == '"' || c == '\'') {
      std::size_t j = i + 1;
      std::string text;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\') fail("unsupported: escape sequences in strings");
        text += s[j++];
      }
      if (j >= s.size()) fail("unterminated string");
      t.kind = Tok::string;
      t.text = text;
      i = j + 1;
    } else if (c == '(') {
      t.kind = Tok::lparen;
      ++i;
    } else if (c == ')') {
      t.kind = Tok::rparen;
      ++i;
    } else if (c == ',') {
      t.kind = Tok::comma;
      ++i;
    } else {
      static const char* const k_ops[] = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "<", ">"};
      bool found = false;
      for (const char* op : k_ops) {
        const std::string o(op);
        if (s.compare(i, o.size(), o) == 0) {
          t.kind = Tok::op;
          t.text = o;
          i += o.size();
          found = true;
          break;
        }
      }
      if (!found) {
        for (const auto& prev : out) {
          if (prev.kind == Tok::name && (prev.text == "lambda" || prev.text == "for")) fail("unsupported: `" + prev.text + "`");
        }
        std::string what = std::string(1, c);
        if (c == '.') what = "attribute access (`.`)";
        else if (c == '[') what = "indexing (`[`)";
        else if (c == '{') what = "a dict literal (`{`)";
        else if (c == ':') what = "`:` (lambdas, slices, dicts)";
        else what = "`" + what + "`";
        fail("unsupported: " + what);
      }
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.kind = Tok::end;
  end.at = s.size();
  out.push_back(end);
  return out;
}

V4Value make_int(long long v) { return V4Value{v}; }
V4Value make_real(double v) { return V4Value{v}; }

bool truthy(const V4Value& x) {
  if (x.is_none()) return false;
  if (const auto* b = std::get_if<bool>(&x.v)) return *b;
  if (const auto* i = std::get_if<long long>(&x.v)) return *i != 0;
  if (const auto* d = std::get_if<double>(&x.v)) return *d != 0.0;
  return !std::get<std::string>(x.v).empty();
}

bool is_int(const V4Value& x) { return std::holds_alternative<long long>(x.v) || std::holds_alternative<bool>(x.v); }

long long as_ll(const V4Value& x) {
  if (const auto* b = std::get_if<bool>(&x.v)) return *b ? 1 : 0;
  return std::get<long long>(x.v);
}

const double k_int_limit = 9.0e18;

V4Value int_or_fail(long double r) {
  if (std::fabs(static_cast<double>(r)) >= k_int_limit) fail("integer overflow");
  return make_int(static_cast<long long>(r));
}

class Parser {
 public:
  Parser(const std::string& text, const V4Resolver& resolve) : m_tokens(tokenize(text)), m_resolve(resolve) {}

  V4Value parse_all() {
    V4Value v = ternary();
    if (peek().kind != Tok::end) fail("unexpected `" + token_text(peek()) + "`");
    return v;
  }

 private:
  std::vector<Token> m_tokens;
  std::size_t m_pos = 0;
  const V4Resolver& m_resolve;
  int m_depth = 0;

  const Token& peek() const { return m_tokens[m_pos]; }
  Token take() { return m_tokens[m_pos++]; }
  static std::string token_text(const Token& t) {
    switch (t.kind) {
      case Tok::lparen: return "(";
      case Tok::rparen: return ")";
      case Tok::comma: return ",";
      case Tok::end: return "end of expression";
      default: return t.text;
    }
  }
  bool at_name(const char* name) const { return peek().kind == Tok::name && peek().text == name; }
  bool at_op(const char* op) const { return peek().kind == Tok::op && peek().text == op; }

  struct DepthGuard {
    int& d;
    explicit DepthGuard(int& depth) : d(depth) {
      if (++d > 64) fail("the expression nests deeper than 64 levels");
    }
    ~DepthGuard() { --d; }
  };

  V4Value ternary() {
    DepthGuard g(m_depth);
    V4Value value = or_expr();
    if (at_name("if")) {
      take();
      V4Value cond = or_expr();
      if (!at_name("else")) fail("expected `else` in a conditional expression");
      take();
      V4Value other = ternary();
      return truthy(cond) ? value : other;
    }
    if (at_name("lambda") || at_name("for") || at_name("in")) fail("unsupported: `" + peek().text + "`");
    return value;
  }

  V4Value or_expr() {
    V4Value v = and_expr();
    while (at_name("or")) {
      take();
      V4Value r = and_expr();
      if (!truthy(v)) v = r;
    }
    return v;
  }

  V4Value and_expr() {
    V4Value v = not_expr();
    while (at_name("and")) {
      take();
      V4Value r = not_expr();
      if (truthy(v)) v = r;
    }
    return v;
  }

  V4Value not_expr() {
    if (at_name("not")) {
      take();
      return V4Value{!truthy(not_expr())};
    }
    return comparison();
  }

  V4Value comparison() {
    V4Value left = arith();
    bool result = true;
    bool any = false;
    while (peek().kind == Tok::op && (peek().text == "==" || peek().text == "!=" || peek().text == "<" ||
                                      peek().text == "<=" || peek().text == ">" || peek().text == ">=")) {
      const std::string op = take().text;
      V4Value right = arith();
      result = result && compare(left, op, right);
      left = right;
      any = true;
    }
    return any ? V4Value{result} : left;
  }

  static bool compare(const V4Value& a, const std::string& op, const V4Value& b) {
    if (a.is_number() && b.is_number()) {
      const double x = a.number(), y = b.number();
      if (op == "==") return x == y;
      if (op == "!=") return x != y;
      if (op == "<") return x < y;
      if (op == "<=") return x <= y;
      if (op == ">") return x > y;
      return x >= y;
    }
    const auto* sa = std::get_if<std::string>(&a.v);
    const auto* sb = std::get_if<std::string>(&b.v);
    if (sa && sb) {
      if (op == "==") return *sa == *sb;
      if (op == "!=") return *sa != *sb;
      if (op == "<") return *sa < *sb;
      if (op == "<=") return *sa <= *sb;
      if (op == ">") return *sa > *sb;
      return *sa >= *sb;
    }
    if (op == "==") return a.is_none() && b.is_none();
    if (op == "!=") return !(a.is_none() && b.is_none());
    fail("cannot compare " + a.text() + " " + op + " " + b.text());
  }

  V4Value arith() {
    V4Value v = term();
    while (at_op("+") || at_op("-")) {
      const std::string op = take().text;
      V4Value r = term();
      v = binary(v, op, r);
    }
    return v;
  }

  V4Value term() {
    V4Value v = unary();
    while (at_op("*") || at_op("/") || at_op("//") || at_op("%")) {
      const std::string op = take().text;
      V4Value r = unary();
      v = binary(v, op, r);
    }
    return v;
  }

  V4Value unary() {
    DepthGuard g(m_depth);
    if (at_op("-") || at_op("+")) {
      const std::string op = take().text;
      V4Value v = unary();
      if (!v.is_number()) fail("unary " + op + " needs a number, got " + v.text());
      if (op == "+") return is_int(v) ? make_int(as_ll(v)) : v;
      return is_int(v) ? make_int(-as_ll(v)) : make_real(-v.number());
    }
    return power();
  }

  V4Value power() {
    V4Value base = atom();
    if (at_op("**")) {
      take();
      V4Value exp = unary();
      return binary(base, "**", exp);
    }
    return base;
  }

  static V4Value binary(const V4Value& a, const std::string& op, const V4Value& b) {
    const auto* sa = std::get_if<std::string>(&a.v);
    const auto* sb = std::get_if<std::string>(&b.v);
    if (op == "+" && sa && sb) return V4Value{*sa + *sb};
    if (!a.is_number() || !b.is_number()) fail("`" + op + "` needs numbers, got " + a.text() + " and " + b.text());
    const bool ints = is_int(a) && is_int(b);
    if (op == "+") return ints ? int_or_fail(static_cast<long double>(as_ll(a)) + as_ll(b)) : make_real(a.number() + b.number());
    if (op == "-") return ints ? int_or_fail(static_cast<long double>(as_ll(a)) - as_ll(b)) : make_real(a.number() - b.number());
    if (op == "*") return ints ? int_or_fail(static_cast<long double>(as_ll(a)) * as_ll(b)) : make_real(a.number() * b.number());
    if (op == "/") {
      if (b.number() == 0) fail("division by zero");
      return make_real(a.number() / b.number());
    }
    if (op == "//" || op == "%") {
      if (b.number() == 0) fail(op == "//" ? "division by zero" : "modulo by zero");
      if (ints) {
        const long long x = as_ll(a), y = as_ll(b);
        long long q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;  // Python floors
        return op == "//" ? make_int(q) : make_int(x - q * y);
      }
      const double q = std::floor(a.number() / b.number());
      return op == "//" ? make_real(q) : make_real(a.number() - q * b.number());
    }
    // **
    if (ints && as_ll(b) >= 0) {
      const long double r = std::pow(static_cast<long double>(as_ll(a)), static_cast<long double>(as_ll(b)));
      return int_or_fail(r);
    }
    const double r = std::pow(a.number(), b.number());
    if (!std::isfinite(r)) fail("the result of ** is not a finite number");
    return make_real(r);
  }

  V4Value atom() {
    const Token t = take();
    switch (t.kind) {
      case Tok::number: return number(t.text);
      case Tok::string: return V4Value{t.text};
      case Tok::lparen: {
        V4Value v = ternary();
        if (peek().kind == Tok::comma) fail("unsupported: tuples");
        if (peek().kind != Tok::rparen) fail("expected `)`");
        take();
        return v;
      }
      case Tok::name: {
        if (t.text == "True") return V4Value{true};
        if (t.text == "False") return V4Value{false};
        if (t.text == "None") return V4Value{};
        if (peek().kind == Tok::lparen) return call(t.text);
        std::optional<V4Value> v = m_resolve(t.text);
        if (!v) fail("unknown name \"" + t.text + "\"",
                     "names are the top-level `variables`, the attributes of enclosing containers and of the "
                     "component itself");
        return *v;
      }
      default: fail("unexpected " + token_text(t));
    }
  }

  static V4Value number(const std::string& text) {
    std::string digits;
    for (char c : text) {
      if (c != '_') digits += c;
    }
    const bool real = digits.find_first_of(".eE") != std::string::npos;
    errno = 0;
    char* end = nullptr;
    if (!real) {
      const long long v = std::strtoll(digits.c_str(), &end, 10);
      if (errno != 0 || *end != '\0') fail("integer literal " + text + " is out of range");
      return make_int(v);
    }
    const double v = std::strtod(digits.c_str(), &end);
    if (errno != 0 || *end != '\0' || !std::isfinite(v)) fail("cannot read the number " + text);
    return make_real(v);
  }

  V4Value call(const std::string& name) {
    take();  // (
    std::vector<V4Value> args;
    if (peek().kind != Tok::rparen) {
      while (true) {
        if (peek().kind == Tok::name && m_pos + 1 < m_tokens.size() && m_tokens[m_pos + 1].kind == Tok::op &&
            m_tokens[m_pos + 1].text == "=") {
          fail("unsupported: keyword arguments");
        }
        args.push_back(ternary());
        if (peek().kind == Tok::comma) {
          take();
          continue;
        }
        break;
      }
    }
    if (peek().kind != Tok::rparen) fail("expected `)` after the arguments of " + name + "()");
    take();
    return apply(name, args);
  }

  static V4Value apply(const std::string& name, const std::vector<V4Value>& args) {
    auto need = [&](std::size_t lo, std::size_t hi) {
      if (args.size() < lo || args.size() > hi) {
        fail(name + "() takes " + (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
             " argument(s), got " + std::to_string(args.size()));
      }
      for (const auto& a : args) {
        if (!a.is_number()) fail(name + "() needs numbers, got " + a.text());
      }
    };
    auto real1 = [&](double (*f)(double), bool positive) {
      need(1, 1);
      const double x = args[0].number();
      if (positive && x <= 0) fail(name + "() of a non-positive number");
      const double r = f(x);
      if (!std::isfinite(r)) fail(name + "() gives no finite number here");
      return make_real(r);
    };
    if (name == "ceil" || name == "floor") {
      need(1, 1);
      const double x = args[0].number();
      return int_or_fail(name == "ceil" ? std::ceil(x) : std::floor(x));
    }
    if (name == "log2") return real1([](double x) { return std::log2(x); }, true);
    if (name == "log10") return real1([](double x) { return std::log10(x); }, true);
    if (name == "sqrt") {
      need(1, 1);
      if (args[0].number() < 0) fail("sqrt() of a negative number");
      return make_real(std::sqrt(args[0].number()));
    }
    if (name == "exp") return real1([](double x) { return std::exp(x); }, false);
    if (name == "log") {
      need(1, 2);
      if (args[0].number() <= 0 || (args.size() == 2 && (args[1].number() <= 0 || args[1].number() == 1))) {
        fail("log() of a non-positive number or base");
      }
      const double r = args.size() == 1 ? std::log(args[0].number()) : std::log(args[0].number()) / std::log(args[1].number());
      return make_real(r);
    }
    if (name == "pow") {
      need(2, 2);
      const double r = std::pow(args[0].number(), args[1].number());
      if (!std::isfinite(r)) fail("pow() gives no finite number here");
      return make_real(r);
    }
    if (name == "abs") {
      need(1, 1);
      return is_int(args[0]) ? make_int(std::llabs(as_ll(args[0]))) : make_real(std::fabs(args[0].number()));
    }
    if (name == "min" || name == "max") {
      if (args.empty()) fail(name + "() needs at least one argument");
      need(1, args.size());
      V4Value best = args[0];
      for (const auto& a : args) {
        if ((name == "min" && a.number() < best.number()) || (name == "max" && a.number() > best.number())) best = a;
      }
      return best;
    }
    if (name == "round") {
      need(1, 1);
      const double x = args[0].number();
      // Python rounds half to even.
      double r = std::nearbyint(x);
      return int_or_fail(r);
    }
    if (name == "int") {
      need(1, 1);
      return int_or_fail(std::trunc(args[0].number()));
    }
    if (name == "float") {
      need(1, 1);
      return make_real(args[0].number());
    }
    fail("unsupported: the function " + name + "()",
         "claimcheck evaluates ceil, floor, log, log2, log10, sqrt, exp, pow, abs, min, max, round, int and float");
  }
};

}  // namespace

bool V4Value::is_number() const {
  return std::holds_alternative<long long>(v) || std::holds_alternative<double>(v) || std::holds_alternative<bool>(v);
}

double V4Value::number() const {
  if (const auto* i = std::get_if<long long>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1.0 : 0.0;
  return std::numeric_limits<double>::quiet_NaN();
}

std::string V4Value::text() const {
  if (is_none()) return "None";
  if (const auto* i = std::get_if<long long>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "True" : "False";
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    std::string s = buf;
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
  }
  return std::get<std::string>(v);
}

V4Value evaluate_v4_expression(const std::string& text, const V4Resolver& resolve) {
  Parser p(text, resolve);
  return p.parse_all();
}

std::optional<V4Value> v4_literal(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "true" || text == "True" || text == "TRUE") return V4Value{true};
  if (text == "false" || text == "False" || text == "FALSE") return V4Value{false};
  if (text == "null" || text == "Null" || text == "NULL" || text == "~") return V4Value{};
  errno = 0;
  char* end = nullptr;
  const long long i = std::strtoll(text.c_str(), &end, 10);
  if (errno == 0 && *end == '\0') return V4Value{i};
  errno = 0;
  const double d = std::strtod(text.c_str(), &end);
  if (errno == 0 && *end == '\0' && std::isfinite(d)) return V4Value{d};
  return std::nullopt;
}

}  // namespace claimcheck::timeloop
