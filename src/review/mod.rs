//! The review queue: GitHub, GitLab and the local queue behind one trait.
