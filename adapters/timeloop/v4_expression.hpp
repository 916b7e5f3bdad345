#pragma once
// Attribute expressions of the Timeloop v4 front end (timeloopfe), which evaluates unquoted YAML
// strings as Python expressions over the `variables`, the enclosing containers' attributes and
// the component's own attributes. claimcheck evaluates a safe subset of that language:
//
//   numbers (64, 0.5, 1e-9), quoted strings, True/False/None, names;
//   + - * / // % ** and unary + -; == != < <= > >=; and, or, not; `a if c else b`; parentheses;
//   functions: ceil floor log log2 log10 sqrt exp pow abs min max round int float.
//
// Anything else (attribute access, indexing, custom functions, lambdas, ...) is refused with the
// expression and the construct named: never a guess.

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace claimcheck::timeloop {

// A value of the expression language: an integer, a real, a boolean, a string or None.
struct V4Value {
  std::variant<std::monostate, long long, double, bool, std::string> v;
  bool is_none() const { return std::holds_alternative<std::monostate>(v); }
  bool is_number() const;
  double number() const;  // for int, real and bool
  // As Python's str() would print it (ints plainly, reals round-trip, True/False, None).
  std::string text() const;
};

// Looks up a name; nullopt when it is not defined. May itself evaluate (and fail).
using V4Resolver = std::function<std::optional<V4Value>(const std::string& name)>;

// Why an expression could not be evaluated (the caller adds the position).
struct V4ExpressionError {
  std::string message;  // e.g. "unsupported: attribute access (`.`) in `a.b + 1`"
  std::string hint;
};

// Evaluates `text`; throws V4ExpressionError.
V4Value evaluate_v4_expression(const std::string& text, const V4Resolver& resolve);

// Whether a plain (unquoted) YAML scalar is a literal number in YAML's sense (as yaml parses it).
std::optional<V4Value> v4_literal(const std::string& text);

}  // namespace claimcheck::timeloop
