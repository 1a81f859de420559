//! Embeds every template under `templates/` into the library.

fn main() {
    minijinja_embed::embed_templates!("templates");
}
