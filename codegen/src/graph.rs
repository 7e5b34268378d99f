//! Strongly connected components of the shape reference graph, for boxing and recursion marks.

/// Tarjan's algorithm, iterative so that deep models cannot overflow the stack.
/// Returns, for each node, the index of its component; nodes of one cycle share an index.
pub fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_component = 0;
    // Each frame is (node, position of the next edge to look at).
    let mut frames: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        frames.push((root, 0));
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = frames.last_mut() {
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == UNSEEN {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    frames.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// For each node, whether it lies on a cycle: its component has other nodes, or it points at itself.
pub fn on_cycle(edges: &[Vec<usize>], component: &[usize]) -> Vec<bool> {
    let mut sizes = vec![0usize; component.len()];
    for &c in component {
        sizes[c] += 1;
    }
    (0..edges.len()).map(|node| sizes[component[node]] > 1 || edges[node].contains(&node)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_self_loops() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 points at itself; 4 is alone.
        let edges = vec![vec![1], vec![2], vec![0, 3], vec![3], vec![]];
        let c = components(&edges);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[0], c[3]);
        assert_eq!(on_cycle(&edges, &c), vec![true, true, true, true, false]);
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n).map(|i| vec![(i + 1) % n]).collect();
        let c = components(&edges);
        assert!(c.iter().all(|&x| x == c[0]));
    }
}
