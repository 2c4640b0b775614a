import { useI18n } from '../../i18n/i18n-context';
import { AddContactForm } from './add-contact-form';
import { BlockedList } from './blocked-list';
import { ContactList } from './contact-list';
import { MyCard } from './my-card';

/** Your card to share, adding people from theirs, and who is blocked. */
export function ContactsScreen() {
  const { t } = useI18n();
  return (
    <main className="page" aria-labelledby="contacts-title">
      <header className="page-header">
        <h1 id="contacts-title">{t('contacts.title')}</h1>
      </header>
      <div className="page-body page-columns">
        <div className="page-column">
          <MyCard />
          <AddContactForm />
        </div>
        <div className="page-column">
          <ContactList />
          <BlockedList />
        </div>
      </div>
    </main>
  );
}
