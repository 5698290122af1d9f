package hudson.model

/** hudson.model.Node: only its Mode. */
abstract class Node {
    enum Mode { NORMAL, EXCLUSIVE }
}
