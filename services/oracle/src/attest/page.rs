//! Web-page records (schema 4): a page the node fetched itself (`POST /v1/attest/web-page`),
//! through the web source ([`WebSource::fetch`](crate::sources::web::WebSource::fetch): its
//! limits, its SSRF guard, its normalised main text).
//!
//! # The record
//!
//! A record's values are 64-bit, so each hash is kept as its first 192 bits in three big-endian
//! limbs (second preimages cost 2^192, collisions 2^96):
//!
//! | # | field | value |
//! |---|---|---|
//! | 0–2 | `url_hash_0..2` | `keccak256` of the URL the text came from (after redirects), as the response's `final_url` spells it |
//! | 3–5 | `text_hash_0..2` | the page's `content_hash`: `sha256` of its normalised main text (the `web:v1` job's `textSha256`) |
//! | 6 | `fetched_at` | unix seconds the node read the page |
//! | 7 | `names_owner` | 1 when the page's title or main text contains the owner's address (`0x` and 40 hex digits, any case), else 0 |
//!
//! **Why the final URL.** The text came from there: an open redirect on a site
//! (`https://site.example/out?to=…`) would otherwise let anyone's page be attested under the
//! site's URL.
//!
//! **What `names_owner` proves.** That whoever controls the page's content wrote the owner's
//! address into it when the node read it: the way a person shows that a blog, a profile or a
//! repository page is theirs (Keybase's proofs). The node attests any readable page; a pool or a
//! pass that wants the person's own pages requires `names_owner = 1` in its eligibility
//! statement. A page naming the address elsewhere than in its main text (a sidebar, a footer that
//! Readability drops) does not count. Caveat: on a page where visitors write (comments, a forum
//! thread, a wiki), any visitor who writes their address is "named"; `names_owner` proves control
//! of the page only where its owner alone writes its main text.
//!
//! The response carries the page's URL, final URL, title and text: the person keeps their data
//! and can show that the record's hashes are of it.

use super::{AttestConfig, AttestError, AttestService, Attested, Credentials, Subject};
use crate::sources::web::WebPage;
use alloy::{
    hex,
    primitives::{Address, B256, keccak256},
};
use masa_prover::poseidon;
use serde::{Deserialize, Serialize};

/// An attestation request for a page the node fetches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebPageRequest {
    /// The signed EIP-4361 message, exactly as signed.
    pub message: String,
    /// Its EIP-191 signature, 65 bytes of hex.
    pub signature: String,
    /// The owner's identity commitment `Poseidon_1(ownerSecret)`, decimal or `0x` hex.
    pub identity: String,
    /// The record's salt, decimal or `0x` hex (a field element; fresh for each record).
    pub salt: String,
    /// The page's `http(s)` URL.
    pub url: String,
}

/// What a web-page record was read from: the page as the node read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRead {
    /// The URL as asked for.
    pub url: String,
    /// The URL the text came from, after redirects (its keccak256 is in the record).
    pub final_url: String,
    /// The page's normalised title.
    pub title: String,
    /// The page's normalised main text (its sha256 is in the record).
    pub text: String,
    /// sha256 of `text`.
    pub text_sha256: B256,
    /// Unix seconds the node read the page.
    pub fetched_at: u64,
    /// Whether the title or the text names the owner's address.
    pub names_owner: bool,
}

/// An attested web-page record.
pub type WebPageResponse = Attested<PageRead>;

/// The first 192 bits of `hash` as three big-endian 64-bit limbs.
fn limbs(hash: B256) -> [u64; 3] {
    std::array::from_fn(|i| u64::from_be_bytes(hash[i * 8..i * 8 + 8].try_into().expect("8 bytes")))
}

/// Whether `page`'s title or text contains `owner` as `0x` and 40 hex digits, in any case.
pub fn names(page: &WebPage, owner: Address) -> bool {
    let needle = format!("0x{}", hex::encode(owner));
    [&page.title, &page.text].iter().any(|text| text.to_ascii_lowercase().contains(&needle))
}

/// The record of `page` for `owner` (module docs: the fields).
pub fn page_values(page: &WebPage, owner: Address) -> [u64; poseidon::FIELDS] {
    let mut values = [0u64; poseidon::FIELDS];
    values[..3].copy_from_slice(&limbs(keccak256(page.final_url.as_bytes())));
    values[3..6].copy_from_slice(&limbs(page.content_hash));
    values[6] = page.fetched_at;
    values[7] = u64::from(names(page, owner));
    values
}

impl Subject for PageRead {
    type Request = WebPageRequest;
    const WHAT: &'static str = "web page";
    const KIND: &'static str = "web-page";

    fn credentials(request: &WebPageRequest) -> Credentials<'_> {
        Credentials {
            message: &request.message,
            signature: &request.signature,
            identity: &request.identity,
            salt: &request.salt,
        }
    }

    fn schema(config: &AttestConfig) -> u64 {
        config.web_page_schema
    }

    /// The page at the request's URL, fetched by the web source.
    async fn read(
        service: &AttestService,
        owner: Address,
        request: &WebPageRequest,
    ) -> Result<([u64; poseidon::FIELDS], Self), AttestError> {
        let page = service
            .inner
            .pages
            .fetch(&request.url)
            .await
            .map_err(|error| AttestError::Read { what: "the page", error })?;
        let values = page_values(&page, owner);
        let read = Self {
            names_owner: values[7] == 1,
            url: page.url,
            final_url: page.final_url,
            title: page.title,
            text: page.text,
            text_sha256: page.content_hash,
            fetched_at: page.fetched_at,
        };
        Ok((values, read))
    }

    fn describe(&self) -> String {
        format!("{} (names the owner: {})", self.final_url, self.names_owner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy::primitives::address;

    fn page(title: &str, text: &str) -> WebPage {
        WebPage {
            url: "https://blog.example/about".to_owned(),
            final_url: "https://blog.example/about/".to_owned(),
            status: 200,
            content_type: "text/html".to_owned(),
            title: title.to_owned(),
            text: text.to_owned(),
            bytes: 100,
            fetched_at: 1_790_000_000,
            content_hash: keccak256("the text"),
        }
    }

    const OWNER: Address = address!("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    #[test]
    fn values_are_the_final_urls_and_texts_hash_limbs_the_time_and_the_mention() {
        let page = page("About me", "My wallet is 0x70997970c51812dc3a010c7d01b50e0d17dc79c8.");
        let values = page_values(&page, OWNER);
        let url = keccak256("https://blog.example/about/");
        assert_eq!(values[0], u64::from_be_bytes(url[0..8].try_into().unwrap()));
        assert_eq!(values[2], u64::from_be_bytes(url[16..24].try_into().unwrap()));
        assert_eq!(values[3], u64::from_be_bytes(page.content_hash[0..8].try_into().unwrap()));
        assert_eq!(values[5], u64::from_be_bytes(page.content_hash[16..24].try_into().unwrap()));
        assert_eq!(values[6], 1_790_000_000);
        assert_eq!(values[7], 1, "the text names the owner (lowercase)");
    }

    #[test]
    fn the_owner_is_named_in_any_case_in_the_title_or_the_text_and_only_in_full() {
        let checksummed = OWNER.to_checksum(None);
        assert!(names(&page("About", &format!("wallet: {checksummed}")), OWNER));
        assert!(names(
            &page(&format!("{}'s page", checksummed.to_uppercase().replace("0X", "0x")), ""),
            OWNER
        ));
        assert!(!names(&page("About", &checksummed[..41]), OWNER), "a prefix is not the address");
        assert!(!names(&page("About", &checksummed[2..]), OWNER), "without 0x");
        let other = address!("0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC");
        assert!(!names(&page("About", &format!("wallet: {checksummed}")), other));
    }
}
