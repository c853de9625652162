"""Village views by subject: posts (feed, writing, the post page), help (boards, private
conversations, people), discover (search, map, Atom feeds, the list of villages)."""
