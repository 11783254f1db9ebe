//! Officers enrollment, the facade's side: only an officers build, opened for officers, may
//! enroll; the exchange itself (code, device key, content keys) is in [`crate::sync`].

use crate::content::Audience;
use crate::error::{Error, Result};
use crate::sync::{check_server_url, Enrollment, SyncConfig, Transport};

use super::FieldRef;

impl FieldRef {
    /// Enrolls this device for officers content with a one-time code from an admin
    /// (`fieldref-server device enroll`). The next sync installs the officers release. Only an
    /// officers build may enroll.
    pub fn enroll(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        code: &str,
    ) -> Result<Enrollment> {
        check_server_url(&config.server)?;
        // A partners' library, or an officers library opened for the public (the partner
        // configuration of a shell): neither may turn itself into an officers device.
        if crate::BUILD_AUDIENCE != Audience::Officers || self.audience() != Audience::Officers {
            return Err(Error::AudienceNotAllowed {
                what: "officers enrollment".to_owned(),
                found: Audience::Officers.as_str(),
                allowed: self.audience().min(crate::BUILD_AUDIENCE).as_str(),
            });
        }
        crate::sync::enroll(self, transport, config, code)
    }

    /// This device's officers enrollment, if it has one.
    pub fn enrollment(&self) -> Result<Option<Enrollment>> {
        crate::sync::enrollment(&*self.store()?)
    }
}

// Its one test needs an officers build.
#[cfg(all(test, feature = "officers"))]
mod tests {
    use super::*;
    use crate::OpenOptions;

    /// The partner configuration of an officers library (a shell opened for the public) never
    /// becomes an officers device: enrolling is refused before any request is made.
    #[test]
    fn a_session_opened_for_the_public_cannot_enroll() {
        struct Unreachable;
        impl crate::sync::Transport for Unreachable {
            fn send(
                &self,
                _: &crate::sync::HttpRequest,
            ) -> Result<crate::sync::HttpResponse, crate::sync::TransportError> {
                panic!("a public session never asks to enroll")
            }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mut options = OpenOptions::new(dir.path());
        options.audience = Some(Audience::Public);
        let app = FieldRef::open_with(options).expect("open");
        assert_eq!(app.audience(), Audience::Public);
        let config = crate::sync::SyncConfig::new("http://127.0.0.1:9");
        assert!(matches!(
            app.enroll(&Unreachable, &config, "K7QM-4XPA-9DZT"),
            Err(Error::AudienceNotAllowed {
                allowed: "public",
                ..
            })
        ));
        assert!(app.enrollment().expect("enrollment").is_none());
    }
}
