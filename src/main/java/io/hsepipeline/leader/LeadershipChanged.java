package io.hsepipeline.leader;

/** This replica became the leader (true) or stopped being it (false). */
public record LeadershipChanged(boolean leader) {
}
