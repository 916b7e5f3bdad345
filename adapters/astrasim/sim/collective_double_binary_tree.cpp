// ASTRA-sim's DoubleBinaryTreeAllReduce: reduce up the tree (leaves send, inner nodes reduce two
// children's data), then broadcast down; one state machine per NPU and chunk. Successive chunks
// alternate between the two trees of the dimension.

#include "adapters/astrasim/sim/collective.hpp"

namespace claimcheck::astrasim::sim {
namespace {

struct DoubleBinaryTreeAlgorithm : Algorithm {
  enum class State {
    begin, sending_to_parent, waiting_from_parent, end, waiting_two_children, waiting_one_child, sending_to_children
  };
  AlgorithmHost* host = nullptr;
  std::shared_ptr<const BinaryTree> tree;
  int id = 0;
  int parent = -1, left = -1, right = -1;
  TreeRole role = TreeRole::leaf;
  State state = State::begin;
  int reductions = 0;

  void bundle(bool processing) { host->send_bundle(stream, processing, data_size, false); }

  void run(AlgoEvent event) override {
    const bool received = event == AlgoEvent::packet_received;
    const bool general = event == AlgoEvent::general;
    if (role == TreeRole::leaf) {
      if (state == State::begin) {
        bundle(false);
        state = State::sending_to_parent;
      } else if (state == State::sending_to_parent) {
        host->send(stream, parent, data_size);
        host->recv(stream, parent, data_size);
        state = State::waiting_from_parent;
      } else if (state == State::waiting_from_parent) {
        bundle(false);
        state = State::end;
      } else if (state == State::end) {
        host->proceed(stream);
      }
      return;
    }
    if (role == TreeRole::intermediate) {
      if (state == State::begin) {
        state = State::waiting_two_children;
        host->recv(stream, left, data_size);
        host->recv(stream, right, data_size);
      } else if (state == State::waiting_two_children && received) {
        bundle(true);
        state = State::waiting_one_child;
      } else if (state == State::waiting_one_child && received) {
        bundle(true);
        state = State::sending_to_parent;
      } else if (reductions < 1 && general) {
        ++reductions;
      } else if (state == State::sending_to_parent) {
        state = State::waiting_from_parent;
        host->send(stream, parent, data_size);
        host->recv(stream, parent, data_size);
      } else if (state == State::waiting_from_parent && received) {
        bundle(true);
        state = State::sending_to_children;
      } else if (state == State::sending_to_children) {
        host->send(stream, left, data_size);
        host->send(stream, right, data_size);
        host->proceed(stream);
      }
      return;
    }
    const int only_child = left >= 0 ? left : right;
    if (state == State::begin) {
      state = State::waiting_one_child;
      host->recv(stream, only_child, data_size);
    } else if (state == State::waiting_one_child) {
      bundle(true);
      state = State::sending_to_children;
    } else if (state == State::sending_to_children) {
      host->send(stream, only_child, data_size);
      host->proceed(stream);
    }
  }
};

}  // namespace

std::unique_ptr<Algorithm> make_double_binary_tree_algorithm(AlgorithmHost& host, const AlgorithmRequest& r) {
  auto a = std::make_unique<DoubleBinaryTreeAlgorithm>();
  a->host = &host;
  DbtTopo& dbt = *r.topo->dbt;
  a->tree = dbt.counter % 2 == 0 ? dbt.max_tree : dbt.min_tree;
  ++dbt.counter;
  a->id = r.npu;
  const auto& info = a->tree->nodes.at(r.npu);
  a->parent = info.parent;
  a->left = info.left;
  a->right = info.right;
  a->role = info.role;
  a->type = CommType::all_reduce;
  a->data_size = r.size;
  a->final_size = r.size;
  return a;
}

}  // namespace claimcheck::astrasim::sim
